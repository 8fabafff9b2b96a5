import { randomBytes } from 'node:crypto';
import { and, asc, count, desc, eq, getTableColumns, isNull, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { compileQuery, queryRows, runCompiled, type CompiledQuery, type Executor } from '../db/client.js';
import { preparedOnce } from '../db/prepared.js';
import { fileNodes, type FileNodeRow } from '../db/schema/index.js';

export type ListSort = 'name' | 'size' | 'createdAt' | 'type';
export type SortOrder = 'asc' | 'desc';

/** A fresh random etag value. */
export function newEtag(): string {
  return randomBytes(9).toString('base64url');
}

const live = isNull(fileNodes.trashedAt);

/** The columns a live node shows in the API; listings and search pages carry only these. */
const liveNodeColumns = {
  id: fileNodes.id,
  name: fileNodes.name,
  type: fileNodes.type,
  parentId: fileNodes.parentId,
  size: fileNodes.size,
  mimeType: fileNodes.mimeType,
  sha256: fileNodes.sha256,
  favorite: fileNodes.favorite,
  etag: fileNodes.etag,
  modifiedAt: fileNodes.modifiedAt,
  createdAt: fileNodes.createdAt,
  updatedAt: fileNodes.updatedAt,
};

/** A node as listings return it (without the owner and trash bookkeeping columns). */
export type LiveNode = Pick<FileNodeRow, keyof typeof liveNodeColumns>;
const foldersFirst = sql`(${fileNodes.type} = 'folder') desc`;

// Guards the walks that carry a depth (breadcrumbs) against a corrupted (cyclic)
// tree. Walks that decide or make a change (trash, copy, the move check, etags) have no bound and
// end on a cycle by UNION instead: a tree can be made deeper than this (copy a chain, move the
// copy under its deepest folder, repeat), and a bound left such changes partial.
const MAX_DEPTH = 10_000;

function idList(ids: readonly string[]): SQL {
  return sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
}

/**
 * The nodes `ids`, and every folder above them, as a subquery of ids: a walk up the tree, to the
 * root however deep (UNION ends it on a corrupted, cyclic one), as every folder above a change
 * gets a new etag.
 */
function selfAndAncestorIds(ids: readonly string[]): SQL {
  return sql`with recursive chain (id, parent_id) as (
        select id, parent_id from file_nodes where id in (${idList(ids)})
        union
        select n.id, n.parent_id
        from file_nodes n join chain on n.id = chain.parent_id
      )
      select id from chain`;
}

/** New etags for the nodes `ids` and every folder above them (see NodesRepository.touchWithAncestors). */
function touchStatementOf(ids: readonly string[]): SQL {
  return sql`update file_nodes set etag = ${newEtag()} where id in (${selfAndAncestorIds(ids)})`;
}

/**
 * `tx`, or when some of `touching` are folders, a query builder whose statement first gives them
 * and their ancestors new etags (a data-modifying WITH, which runs whether or not the statement
 * reads it).
 */
function withTouched(tx: Executor, touching: ReadonlyArray<string | null>) {
  const present = touching.filter((id): id is string => id !== null);
  return present.length === 0 ? tx : tx.with(tx.$with('touched', {}).as(touchStatementOf(present)));
}

/** The statement of NodesRepository.placeOf, with placeholders: userId, parentId (unless at the root), name. */
function placeQuery(executor: Executor, inFolder: boolean) {
  const userId = sql.placeholder('userId');
  const parentId = sql.placeholder('parentId');
  const folderFound = inFolder
    ? sql<boolean>`exists (select 1 from file_nodes f where f.id = ${parentId} and f.user_id = ${userId} and f.type = 'folder' and f.trashed_at is null)`
    : sql<boolean>`true`;
  return executor
    .select({ folderFound, existing: fileNodes })
    .from(sql`(select) as here`)
    .leftJoin(
      fileNodes,
      and(eq(fileNodes.userId, userId), inFolder ? eq(fileNodes.parentId, parentId) : isNull(fileNodes.parentId), eq(fileNodes.name, sql.placeholder('name')), live),
    );
}

function orderFor(sort: ListSort, order: SortOrder): SQL[] {
  const dir = (column: SQL | typeof fileNodes.size | typeof fileNodes.createdAt) => (order === 'asc' ? asc(column) : desc(column));
  // Natural order, case-insensitive: "sub-2" before "sub-10" (file_nodes.name_sort_key).
  const byName = [dir(sql`${fileNodes.nameSortKey}`), dir(sql`${fileNodes.name}`)];
  switch (sort) {
    case 'name':
      return [foldersFirst, ...byName];
    case 'size':
      return [foldersFirst, dir(fileNodes.size), ...byName];
    case 'createdAt':
      return [foldersFirst, dir(fileNodes.createdAt), asc(fileNodes.id)];
    case 'type':
      // The extension (text after the last dot, not a leading one: ".profile" has none), then the name.
      return [foldersFirst, dir(sql`lower(substring(${fileNodes.name} from '^.+\\.([^.]*)$'))`), ...byName];
  }
}

type Timestamps = 'modifiedAt' | 'createdAt' | 'updatedAt';

/**
 * A node as a page of a listing or a search returns it: its timestamps as strings in the
 * contract's form (ISO 8601, UTC, milliseconds), cut from the database's JSON text. Parsing 300
 * timestamps into Dates and formatting them back was an eighth of a 100-item listing's time on
 * PGlite, and formatting them in SQL (to_char) a sixth of the page query's.
 */
export type ListedNode = Omit<LiveNode, Timestamps> & Record<Timestamps, string>;

// The API's node fields in the order a page query's JSON arrays carry them (see listedTupleOf).
const LISTED_FIELDS = ['id', 'name', 'type', 'parentId', 'size', 'mimeType', 'sha256', 'favorite', 'etag', 'modifiedAt', 'createdAt', 'updatedAt'] as const satisfies ReadonlyArray<keyof typeof liveNodeColumns>;
// Column names come from the schema, never from input, hence sql.raw below.
const LISTED_COLUMNS = LISTED_FIELDS.map((field) => liveNodeColumns[field].name);

/** A listed node as a page query's JSON carries it: its fields' values in LISTED_FIELDS order. */
export type ListedNodeTuple = [
  id: string,
  name: string,
  type: 'file' | 'folder',
  parentId: string | null,
  size: number | string,
  mimeType: string | null,
  sha256: string | null,
  favorite: boolean,
  etag: string,
  modifiedAt: string,
  createdAt: string,
  updatedAt: string,
];

/** The listed columns of a row aliased `alias`, in order. */
export function listedColumnsOf(alias: string): SQL {
  return sql.raw(LISTED_COLUMNS.map((column) => `${alias}.${column}`).join(', '));
}
/** The listed columns of file_nodes, for the inner (page) query. */
export const listedColumns = listedColumnsOf('file_nodes');
/**
 * The listed columns of a row aliased `alias` as one JSON array (a ListedNodeTuple). A page query
 * selects the columns in a subquery (with its ORDER BY and LIMIT) and turns only the rows of the
 * page into JSON. Arrays rather than objects: the statement alone, on the embedded database, took
 * 0.56 ms for a 100-item page as arrays against 0.63 as objects (json_agg of the row, itself
 * faster than json_build_object with twelve key-value pairs; docs/PERFORMANCE.md), and without
 * the keys there is a third less text to send, decode and parse.
 */
export function listedTupleOf(alias: string): string {
  return `json_build_array(${LISTED_COLUMNS.map((column) => `${alias}.${column}`).join(', ')})`;
}

/**
 * `chain (id, parent_id, name, depth)`: the node and its ancestors, walked up from a live node of
 * the user (depth 0); empty when it is not one. Breadcrumbs, alone or in a folder page.
 */
function ancestorChain(userId: string | Placeholder, id: string | Placeholder): SQL {
  return sql`with recursive chain (id, parent_id, name, depth) as (
        select id, parent_id, name, 0 from file_nodes
        where id = ${id} and user_id = ${userId} and trashed_at is null
        union all
        select n.id, n.parent_id, n.name, chain.depth + 1
        from file_nodes n join chain on n.id = chain.parent_id
        where chain.depth < ${MAX_DEPTH}
      )`;
}

/**
 * Whether a page query may run as a named statement, whose cached generic plan ignores the values.
 * In name order the listing index gives the order itself, the best plan for any folder; in other
 * orders the best plan depends on the folder's size (a top-N sort over a scan for a huge folder,
 * which the generic plan misses: a 100,000-item folder by size took 140 ms instead of 50).
 */
function planIsValueIndependent(page: { sort: ListSort }): boolean {
  return page.sort === 'name';
}

// The values of the compiled statements below, bound at each run.
const at = {
  userId: sql.placeholder('userId'),
  id: sql.placeholder('id'),
  limit: sql.placeholder('limit'),
  offset: sql.placeholder('offset'),
};

type PageShape = { sort: ListSort; order: SortOrder };
export type TreeVersionValue = number | string | bigint | null;

/**
 * The statements of the hot read paths (listings, folder pages, breadcrumbs), rendered once per
 * shape: a page's SQL differs only by its order, and the root's by `parent_id is null`.
 */
const compiled = new Map<string, CompiledQuery>();
function compiledOnce(key: string, build: () => SQL, options: { hot: boolean }): CompiledQuery {
  let query = compiled.get(key);
  if (!query) {
    query = compileQuery(build(), options);
    compiled.set(key, query);
  }
  return query;
}

/** The live children of a folder (null: the root); values as given or placeholders. */
function childrenOf(userId: string | Placeholder, parentId: string | Placeholder | null): SQL | undefined {
  return and(eq(fileNodes.userId, userId), parentId === null ? isNull(fileNodes.parentId) : eq(fileNodes.parentId, parentId), live);
}

/** One page of the matching nodes as a JSON array (a scalar subquery), limit and offset bound at each run. */
function pageOf(where: SQL | undefined, page: PageShape): SQL {
  // json_agg sees the page's rows in the subquery's ORDER BY; only the page's rows become JSON.
  return sql`(select coalesce(json_agg(${sql.raw(listedTupleOf('page'))}), '[]'::json) from (
        select ${listedColumns} from ${fileNodes} where ${where}
        order by ${sql.join(orderFor(page.sort, page.order), sql`, `)}
        limit ${at.limit} offset ${at.offset}
      ) page)`;
}

/**
 * The user's tree version (see db/schema/tree-versions.ts), in the statement whose answer it
 * versions: one statement sees one snapshot, so the answer is exactly the tree at that version.
 */
const treeVersionColumn = sql`(${treeVersionStatementOf(at.userId)}) as tree_version`;

/** One page of the root's (or a folder's) children: `items`, `tree_version`. */
function childrenPageStatement(root: boolean, page: PageShape): CompiledQuery {
  return compiledOnce(
    `children:${root}:${page.sort}:${page.order}`,
    () => sql`select ${pageOf(childrenOf(at.userId, root ? null : at.id), page)} as items, ${treeVersionColumn}`,
    { hot: planIsValueIndependent(page) },
  );
}

/** A folder, its breadcrumbs and one page of its children: `folder`, `breadcrumbs`, `items`, `tree_version`. */
function folderPageStatement(page: PageShape): CompiledQuery {
  return compiledOnce(
    `folder:${page.sort}:${page.order}`,
    () => sql`
      ${ancestorChain(at.userId, at.id)}
      select
        (select ${sql.raw(listedTupleOf('folder'))} from file_nodes folder
          where folder.id = ${at.id} and folder.user_id = ${at.userId} and folder.trashed_at is null and folder.type = 'folder') as folder,
        (select coalesce(json_agg(json_build_object('id', chain.id, 'name', chain.name) order by chain.depth desc), '[]'::json) from chain) as breadcrumbs,
        ${pageOf(childrenOf(at.userId, at.id), page)} as items,
        ${treeVersionColumn}`,
    { hot: planIsValueIndependent(page) },
  );
}

/** The version of the user in `userColumn`, as a scalar subquery. */
export function treeVersionStatementOf(user: typeof fileNodes.userId | SQL | Placeholder): SQL {
  return sql`select version from tree_versions where user_id = ${user}`;
}

/** The user's tree version as a selected column (0 without a row), for statements built with Drizzle. */
export function treeVersionOfUser(userId: string): SQL<number> {
  return sql<number>`coalesce((${treeVersionStatementOf(sql`${userId}::uuid`)}), 0)`.mapWith(Number);
}

const treeVersionStatement = compileQuery(treeVersionStatementOf(at.userId), { hot: true });

/** A tree version as the drivers return a bigint (a user who never wrote any node is at 0). */
export function treeVersionOf(value: TreeVersionValue | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

const breadcrumbsStatement = compileQuery(
  sql`
      ${ancestorChain(at.userId, at.id)}
      select id, name, ${treeVersionColumn} from chain order by depth desc`,
  { hot: true },
);

/** A JSON value as the drivers return it: parsed already, or (some drivers, some types) as text. */
export function jsonValue<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** A listed node from a page query's JSON array. */
export function fromListedTuple(tuple: ListedNodeTuple): ListedNode {
  const [id, name, type, parentId, size, mimeType, sha256, favorite, etag, modifiedAt, createdAt, updatedAt] = tuple;
  return {
    id,
    name,
    type,
    parentId,
    size: Number(size),
    mimeType,
    sha256,
    favorite,
    etag,
    modifiedAt: isoFromJsonTime(modifiedAt),
    createdAt: isoFromJsonTime(createdAt),
    updatedAt: isoFromJsonTime(updatedAt),
  };
}

/** A timestamptz as JSON writes it in a UTC session: `2026-11-24T23:11:52.853123+00:00`, fraction optional. */
const UTC_JSON_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00:00$/;

/**
 * A timestamptz from the database's JSON in the contract's form, as `Date.prototype.toISOString()`
 * writes it: UTC, milliseconds, the rest of the fraction cut off (as the drivers' Dates cut it).
 * A session in another time zone writes another offset: Date converts those (cutting alike).
 */
export function isoFromJsonTime(value: string): string {
  const match = UTC_JSON_TIME.exec(value);
  if (!match?.[1]) {
    return new Date(value).toISOString();
  }
  return `${match[1]}.${((match[2] ?? '') + '000').slice(0, 3)}Z`;
}

/** SQL for the file tree (the adjacency list in file_nodes). */
export class NodesRepository {
  constructor(private readonly db: Executor) {}

  private readonly liveById = preparedOnce(() =>
    this.db
      .select()
      .from(fileNodes)
      .where(and(eq(fileNodes.id, sql.placeholder('id')), eq(fileNodes.userId, sql.placeholder('userId')), live))
      .prepare('live_node_by_id'),
  );

  /**
   * Serialises structural changes of one user's tree (create, move, copy, trash, restore) until the
   * transaction ends, so that checks such as "not into a descendant" cannot race each other.
   */
  async lockTree(userId: string, tx: Executor): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`tree:${userId}`}, 0))`);
  }

  private readonly liveByIdWithVersion = preparedOnce(() =>
    this.db
      .select({ node: fileNodes, treeVersion: sql<number>`coalesce((${treeVersionStatementOf(fileNodes.userId)}), 0)`.mapWith(Number) })
      .from(fileNodes)
      .where(and(eq(fileNodes.id, sql.placeholder('id')), eq(fileNodes.userId, sql.placeholder('userId')), live))
      .prepare('live_node_by_id_with_version'),
  );

  /**
   * A live node of the user (or undefined), with the user's tree version it was read at, from the
   * same snapshot (db/schema/tree-versions.ts).
   */
  async findLiveWithVersion(userId: string, id: string): Promise<{ node: FileNodeRow | undefined; treeVersion: number }> {
    const [row] = await this.liveByIdWithVersion().execute({ id, userId });
    return { node: row?.node, treeVersion: row?.treeVersion ?? 0 };
  }

  /** A live node of the user, or undefined (also for other users' nodes). */
  async findLive(userId: string, id: string, tx: Executor = this.db): Promise<FileNodeRow | undefined> {
    if (tx === this.db) {
      const [row] = await this.liveById().execute({ id, userId });
      return row;
    }
    const [row] = await tx
      .select()
      .from(fileNodes)
      .where(and(eq(fileNodes.id, id), eq(fileNodes.userId, userId), live));
    return row;
  }

  /** A node of the user whatever its state (live or trashed). */
  async findAny(userId: string, id: string, tx: Executor = this.db): Promise<FileNodeRow | undefined> {
    const [row] = await tx
      .select()
      .from(fileNodes)
      .where(and(eq(fileNodes.id, id), eq(fileNodes.userId, userId)));
    return row;
  }

  /** The live child of a folder (null: the root) with this exact name. */
  async findChildByName(userId: string, parentId: string | null, name: string, tx: Executor = this.db): Promise<FileNodeRow | undefined> {
    const [row] = await tx
      .select()
      .from(fileNodes)
      .where(
        and(
          eq(fileNodes.userId, userId),
          parentId ? eq(fileNodes.parentId, parentId) : isNull(fileNodes.parentId),
          eq(fileNodes.name, name),
          live,
        ),
      );
    return row;
  }

  /**
   * Where a new node named `name` would go in the user's folder `parentId` (null: the root), read
   * in one statement: whether that is one of the user's live folders, and the live node that has
   * the name there already, if any. Outside transactions (an upload's checks before its bytes are
   * read) a prepared statement.
   */
  async placeOf(
    userId: string,
    parentId: string | null,
    name: string,
    tx: Executor = this.db,
  ): Promise<{ folderFound: boolean; existing: FileNodeRow | undefined }> {
    const values = { userId, parentId, name };
    const inFolder = parentId !== null;
    const [row] = tx === this.db ? await this.placeStatements[inFolder ? 'folder' : 'root']().execute(values) : await placeQuery(tx, inFolder).execute(values);
    return { folderFound: row?.folderFound === true, existing: row?.existing ?? undefined };
  }

  private readonly placeStatements = {
    root: preparedOnce(() => placeQuery(this.db, false).prepare('place_in_root')),
    folder: preparedOnce(() => placeQuery(this.db, true).prepare('place_in_folder')),
  };

  /** Names in the folder that start with `prefix` (for finding a free "name (n).ext"). */
  async childNamesStartingWith(userId: string, parentId: string | null, prefix: string, tx: Executor = this.db): Promise<string[]> {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = await tx
      .select({ name: fileNodes.name })
      .from(fileNodes)
      .where(
        and(
          eq(fileNodes.userId, userId),
          parentId ? eq(fileNodes.parentId, parentId) : isNull(fileNodes.parentId),
          sql`${fileNodes.name} like ${`${escaped}%`}`,
          live,
        ),
      );
    return rows.map((row) => row.name);
  }

  /**
   * One page of a folder's live children and their total count.
   *
   * The page comes back as a single JSON array built by the database: the embedded database's
   * driver decodes every field of every row in JavaScript (1,200 fields for 100 items, the bulk of
   * a listing's time), while one JSON value is decoded once and parsed natively.
   * The subquery's ORDER BY sets the order in which json_agg sees the rows, and only the rows of
   * the page are turned into JSON.
   */
  async listChildren(
    userId: string,
    parentId: string | null,
    page: { sort: ListSort; order: SortOrder; offset: number; limit: number },
    tx: Executor = this.db,
  ): Promise<{ items: ListedNode[]; total: number; treeVersion: number; oneSnapshot: boolean }> {
    const [row] = await runCompiled<{ items: ListedNodeTuple[] | string; tree_version: TreeVersionValue }>(
      tx,
      childrenPageStatement(parentId === null, page),
      { userId, id: parentId, limit: page.limit, offset: page.offset },
    );
    const items = jsonValue(row?.items ?? []).map(fromListedTuple);
    const treeVersion = treeVersionOf(row?.tree_version);
    return { items, treeVersion, ...(await this.totalFor(userId, parentId, page, items.length, treeVersion, tx)) };
  }

  /**
   * A folder page in one statement: the folder itself, its breadcrumbs and one page of its
   * children (a listing's three reads; one round trip instead of three). `folder` is null when
   * the id is not a live folder of the user (the other parts are then empty).
   */
  async folderPage(
    userId: string,
    folderId: string,
    page: { sort: ListSort; order: SortOrder; offset: number; limit: number },
  ): Promise<{
    folder: ListedNode | null;
    breadcrumbs: Array<{ id: string; name: string }>;
    items: ListedNode[];
    total: number;
    treeVersion: number;
    /** False when the total was counted at another version than the page (see totalFor). */
    oneSnapshot: boolean;
  }> {
    const [row] = await runCompiled<{
      folder: ListedNodeTuple | string | null;
      breadcrumbs: Array<{ id: string; name: string }> | string;
      items: ListedNodeTuple[] | string;
      tree_version: TreeVersionValue;
    }>(this.db, folderPageStatement(page), { userId, id: folderId, limit: page.limit, offset: page.offset });
    const treeVersion = treeVersionOf(row?.tree_version);
    const folderJson = row?.folder ? jsonValue(row.folder) : null;
    if (!folderJson) {
      return { folder: null, breadcrumbs: [], items: [], total: 0, treeVersion, oneSnapshot: true };
    }
    const items = jsonValue(row?.items ?? []).map(fromListedTuple);
    return {
      folder: fromListedTuple(folderJson),
      breadcrumbs: jsonValue(row?.breadcrumbs ?? []),
      items,
      treeVersion,
      ...(await this.totalFor(userId, folderId, page, items.length, treeVersion, this.db)),
    };
  }

  /** The user's tree version now (db/schema/tree-versions.ts). */
  async treeVersion(userId: string): Promise<number> {
    const [row] = await runCompiled<{ version: TreeVersionValue }>(this.db, treeVersionStatement, { userId });
    return treeVersionOf(row?.version);
  }

  /**
   * How many nodes match in all; a page that starts at the top and is not full holds them all.
   * Otherwise they are counted by a statement of its own, which also tells whether the tree was
   * still at `treeVersion` (the page's version) when it counted.
   */
  private async totalFor(
    userId: string,
    parentId: string | null,
    page: { offset: number; limit: number },
    pageLength: number,
    treeVersion: number,
    tx: Executor,
  ): Promise<{ total: number; oneSnapshot: boolean }> {
    if (page.offset === 0 && pageLength < page.limit) {
      return { total: pageLength, oneSnapshot: true };
    }
    const [totals] = await tx
      .select({ total: count(), treeVersion: treeVersionOfUser(userId) })
      .from(fileNodes)
      .where(childrenOf(userId, parentId));
    return { total: Number(totals?.total ?? 0), oneSnapshot: totals?.treeVersion === treeVersion };
  }

  /** The user's live favourites, by name. */
  async listFavorites(userId: string, tx: Executor = this.db): Promise<FileNodeRow[]> {
    return tx
      .select()
      .from(fileNodes)
      .where(and(eq(fileNodes.userId, userId), eq(fileNodes.favorite, true), live))
      .orderBy(foldersFirst, asc(fileNodes.nameSortKey), asc(fileNodes.name))
      .limit(10_000);
  }

  /**
   * The path from the outermost folder down to the node itself, in one recursive query.
   * Empty when the node is not a live node of the user.
   */
  async breadcrumbs(userId: string, id: string, tx: Executor = this.db): Promise<Array<{ id: string; name: string }>> {
    return (await this.breadcrumbsWithVersion(userId, id, tx)).breadcrumbs;
  }

  /** The breadcrumbs, and the user's tree version they were read at (0 when there are none). */
  async breadcrumbsWithVersion(
    userId: string,
    id: string,
    tx: Executor = this.db,
  ): Promise<{ breadcrumbs: Array<{ id: string; name: string }>; treeVersion: number }> {
    const result = await runCompiled<{ id: string; name: string; tree_version: TreeVersionValue }>(tx, breadcrumbsStatement, { userId, id });
    return {
      breadcrumbs: result.map((row) => ({ id: String(row.id), name: String(row.name) })),
      treeVersion: treeVersionOf(result[0]?.tree_version),
    };
  }

  /**
   * True when `candidateId` is `ancestorId` itself or lies anywhere beneath it. The walk up has no
   * depth bound (UNION ends it on a cycle instead): a bound let a folder move into a descendant
   * deeper than it, making a cycle cut off from the root.
   */
  async isSelfOrDescendant(ancestorId: string, candidateId: string, tx: Executor = this.db): Promise<boolean> {
    const result = await queryRows<Record<string, unknown>>(
      tx,
      sql`
      with recursive chain (id, parent_id) as (
        select id, parent_id from file_nodes where id = ${candidateId}
        union
        select n.id, n.parent_id
        from file_nodes n join chain on n.id = chain.parent_id
      )
      select 1 from chain where id = ${ancestorId} limit 1`,
    );
    return result.length > 0;
  }

  /**
   * Inserts a node. With `touching`, the same statement also does touchWithAncestors for those
   * folders (a new child's parent): one round trip instead of two in the write transactions.
   */
  async insert(
    values: Omit<typeof fileNodes.$inferInsert, 'etag' | 'id'> & { id?: string },
    tx: Executor = this.db,
    touching: ReadonlyArray<string | null> = [],
  ): Promise<FileNodeRow> {
    const [row] = await withTouched(tx, touching)
      .insert(fileNodes)
      .values({ ...values, etag: newEtag() })
      .returning();
    if (!row) {
      throw new Error('insert into file_nodes returned no row');
    }
    return row;
  }

  /**
   * Updates a node's own columns (and gives it a new etag); returns the new row. `touching` as at
   * insert: the node itself must not be among those folders (one statement updates a row once).
   */
  async update(
    id: string,
    values: Partial<Pick<FileNodeRow, 'name' | 'parentId' | 'favorite' | 'size' | 'mimeType' | 'sha256' | 'modifiedAt'>>,
    tx: Executor = this.db,
    touching: ReadonlyArray<string | null> = [],
  ): Promise<FileNodeRow> {
    const [row] = await withTouched(tx, touching)
      .update(fileNodes)
      .set({ ...values, etag: newEtag(), updatedAt: sql`now()` })
      .where(eq(fileNodes.id, id))
      .returning();
    if (!row) {
      throw new Error(`update of file node ${id} matched no row`);
    }
    return row;
  }

  /**
   * Gives the nodes and every ancestor of theirs a new etag, so that a client that compares etags
   * from the top sees that something beneath changed.
   */
  async touchWithAncestors(ids: ReadonlyArray<string | null>, tx: Executor = this.db): Promise<void> {
    const present = ids.filter((id): id is string => id !== null);
    if (present.length === 0) {
      return;
    }
    await tx.execute(touchStatementOf(present));
  }

  /**
   * Sizes and content hashes of the live files in the subtree rooted at `id` (itself included):
   * what a copy of it will charge and reference. No depth bound, as in copySubtree.
   */
  async subtreeFiles(id: string, tx: Executor = this.db): Promise<Array<{ sha256: string | null; size: number }>> {
    const result = await queryRows<{ sha256: string | null; size: string | number }>(
      tx,
      sql`
      with recursive sub (id, type, sha256, size) as (
        select id, type, sha256, size from file_nodes where id = ${id}
        union
        select n.id, n.type, n.sha256, n.size
        from file_nodes n join sub on n.parent_id = sub.id
        where n.trashed_at is null
      )
      select sha256, size from sub where type = 'file'`,
    );
    return result.map((row) => ({ sha256: row.sha256, size: Number(row.size) }));
  }

  /**
   * Every live node beneath a folder with its path relative to it ("a/b/c.txt"), folders included,
   * ordered by path: what a zip of the folder contains. The walk goes down while paths are at most
   * `maxPathBytes` long (what a zip holds), not to a depth: a tree can be deeper than any depth
   * bound, and a bound left its deeper files out of a whole-looking archive. The first path too
   * long is returned (the archive refuses it: services/archive.ts); a cycle, whose paths grow,
   * ends there too.
   */
  async subtreeWithPaths(
    rootId: string,
    maxPathBytes: number,
    tx: Executor = this.db,
  ): Promise<Array<{ path: string; type: 'file' | 'folder'; sha256: string | null; size: number; modifiedAt: Date }>> {
    const rows = await queryRows<{
      path: string;
      type: 'file' | 'folder';
      sha256: string | null;
      size: string | number;
      modified_at: Date | string;
    }>(
      tx,
      sql`
      with recursive sub (id, path, type, sha256, size, modified_at) as (
        select id, name, type, sha256, size, modified_at from file_nodes
        where parent_id = ${rootId} and trashed_at is null
        union all
        select n.id, sub.path || '/' || n.name, n.type, n.sha256, n.size, n.modified_at
        from file_nodes n join sub on n.parent_id = sub.id
        where n.trashed_at is null and octet_length(sub.path) <= ${maxPathBytes}
      )
      select path, type, sha256, size, modified_at from sub order by path`,
    );
    return rows.map((row) => ({
      path: row.path,
      type: row.type,
      sha256: row.sha256,
      size: Number(row.size),
      modifiedAt: new Date(row.modified_at),
    }));
  }

  /**
   * Copies the live subtree rooted at `sourceId` under `targetParentId` with a new name for its top,
   * in one statement (every node gets a fresh id; the foreign keys are checked at its end).
   * Returns the id of the new top node. The walk has no depth bound (UNION ends it on a cycle
   * instead), so a copy is whole however deep the tree; subtreeFiles charges the same nodes.
   */
  async copySubtree(sourceId: string, targetParentId: string | null, topName: string, tx: Executor = this.db): Promise<string> {
    const result = await queryRows<{ id: string }>(
      tx,
      sql`
      with recursive sub (id) as (
        select id from file_nodes where id = ${sourceId}
        union
        select n.id
        from file_nodes n join sub on n.parent_id = sub.id
        where n.trashed_at is null
      ),
      mapping as materialized (
        select id as old_id, gen_random_uuid() as new_id, id = ${sourceId}::uuid as top from sub
      ),
      inserted as (
        insert into file_nodes (id, user_id, parent_id, name, type, size, mime_type, sha256, favorite, etag, modified_at)
        select m.new_id, n.user_id,
               case when m.top then ${targetParentId}::uuid else pm.new_id end,
               case when m.top then ${topName} else n.name end,
               n.type, n.size, n.mime_type, n.sha256, false, ${newEtag()}, n.modified_at
        from mapping m
        join file_nodes n on n.id = m.old_id
        left join mapping pm on pm.old_id = n.parent_id
        returning id
      )
      select new_id as id from mapping where top`,
    );
    const top = result[0];
    if (!top) {
      throw new Error(`copy of file node ${sourceId} produced no top node`);
    }
    return String(top.id);
  }

  /**
   * Moves the live subtree rooted at `id` to the trash in one statement: every node in it is stamped
   * with the time and the top's id; the top is detached from its folder (remembered as its original
   * parent) so that purging another trashed subtree can never cascade into it. The walk has no
   * depth bound (UNION ends it on a cycle instead): with one, the nodes below it stayed live
   * under a trashed folder, and its purge's cascade then deleted them without giving back their
   * bytes and content references.
   */
  async trashSubtree(id: string, tx: Executor = this.db): Promise<FileNodeRow> {
    await tx.execute(sql`
      with recursive sub (id) as (
        select id from file_nodes where id = ${id} and trashed_at is null
        union
        select n.id
        from file_nodes n join sub on n.parent_id = sub.id
        where n.trashed_at is null
      )
      update file_nodes
      set trashed_at = now(), trash_root_id = ${id}::uuid,
          original_parent_id = case when file_nodes.id = ${id}::uuid then file_nodes.parent_id else null end,
          parent_id = case when file_nodes.id = ${id}::uuid then null else file_nodes.parent_id end
      where id in (select id from sub)`);
    const [row] = await tx.select().from(fileNodes).where(eq(fileNodes.id, id));
    if (!row) {
      throw new Error(`trashed file node ${id} vanished`);
    }
    return row;
  }

  /** The tops of the user's trashed subtrees (what the trash shows), newest first. */
  /**
   * The tops of the user's trashed subtrees, each with the name of the folder it was trashed from
   * while that folder is live (where a restore puts it back; null otherwise).
   */
  async listTrash(userId: string, tx: Executor = this.db): Promise<Array<FileNodeRow & { originalFolderName: string | null }>> {
    return tx
      .select({
        ...getTableColumns(fileNodes),
        // Qualified by hand: in a one-table query Drizzle leaves column names bare, which the
        // subquery would read as its own.
        originalFolderName: sql<string | null>`(
          select p.name from file_nodes p
          where p.id = file_nodes.original_parent_id and p.user_id = file_nodes.user_id and p.type = 'folder' and p.trashed_at is null)`,
      })
      .from(fileNodes)
      .where(and(eq(fileNodes.userId, userId), eq(fileNodes.trashRootId, fileNodes.id), isNull(fileNodes.purgeStartedAt)))
      .orderBy(desc(fileNodes.trashedAt), asc(fileNodes.name))
      .limit(10_000);
  }

  /** The user's live nodes at the root (for deleting everything the account holds). */
  async liveRootIds(userId: string, tx: Executor = this.db): Promise<string[]> {
    const rows = await tx
      .select({ id: fileNodes.id })
      .from(fileNodes)
      .where(and(eq(fileNodes.userId, userId), isNull(fileNodes.parentId), live));
    return rows.map((row) => row.id);
  }

  /** The tops of all the user's trashed subtrees, those being deleted for good included. */
  async trashTopIds(userId: string, tx: Executor = this.db): Promise<string[]> {
    const rows = await tx
      .select({ id: fileNodes.id })
      .from(fileNodes)
      .where(and(eq(fileNodes.userId, userId), eq(fileNodes.trashRootId, fileNodes.id)));
    return rows.map((row) => row.id);
  }

  /** The top of one of the user's trashed subtrees that is not being deleted, or undefined. */
  async findTrashTop(userId: string, id: string, tx: Executor = this.db): Promise<FileNodeRow | undefined> {
    const [row] = await tx
      .select()
      .from(fileNodes)
      .where(
        and(eq(fileNodes.id, id), eq(fileNodes.userId, userId), eq(fileNodes.trashRootId, fileNodes.id), isNull(fileNodes.purgeStartedAt)),
      );
    return row;
  }

  /** Brings a trashed subtree back: its top goes under `parentId` with `name`, every node in it is live again. */
  async restoreSubtree(topId: string, parentId: string | null, name: string, tx: Executor): Promise<void> {
    await tx.execute(sql`
      update file_nodes
      set trashed_at = null, trash_root_id = null, original_parent_id = null,
          parent_id = case when id = ${topId}::uuid then ${parentId}::uuid else parent_id end,
          name = case when id = ${topId}::uuid then ${name} else name end,
          etag = ${newEtag()}
      where trash_root_id = ${topId}::uuid`);
  }

  /**
   * Marks a trashed subtree as being deleted for good: from now on it cannot be restored. Returns
   * false when the node is no longer the top of a trashed subtree (restored meanwhile) or, with
   * `trashedBefore`, was trashed (again) at or after that time; a purge already begun stays marked.
   */
  async markPurging(topId: string, tx: Executor, trashedBefore?: Date): Promise<boolean> {
    const rows = await tx
      .update(fileNodes)
      .set({ purgeStartedAt: sql`coalesce(${fileNodes.purgeStartedAt}, now())` })
      .where(
        and(
          eq(fileNodes.id, topId),
          eq(fileNodes.trashRootId, fileNodes.id),
          trashedBefore ? sql`${fileNodes.trashedAt} < ${trashedBefore.toISOString()}` : undefined,
        ),
      )
      .returning({ id: fileNodes.id });
    return rows.length === 1;
  }

  /**
   * Deletes up to `limit` files of a trashed subtree and returns what they held, so the caller can
   * give back quota and blob references in the same transaction. Rows another purge is deleting
   * are skipped, so two processes purging at once never count a file twice.
   */
  async deleteTrashedFiles(
    topId: string,
    limit: number,
    tx: Executor,
  ): Promise<Array<{ userId: string; size: number; sha256: string | null }>> {
    const rows = await queryRows<{ user_id: string; size: string | number; sha256: string | null }>(
      tx,
      sql`
      delete from file_nodes where id in (
        select id from file_nodes
        where trash_root_id = ${topId}::uuid and type = 'file'
        limit ${limit} for update skip locked)
      returning user_id, size, sha256`,
    );
    return rows.map((row) => ({ userId: row.user_id, size: Number(row.size), sha256: row.sha256 }));
  }

  /**
   * Deletes up to `limit` folders of a trashed subtree whose files are gone, children before
   * parents, and returns them. The batch starts from folders with no children left: the
   * candidates `from` (folders an earlier batch may have left childless) or, when none are given,
   * any found in the subtree. It then climbs from each to its parent while that parent has no
   * other child, so a chain of folders goes `limit` at a time instead of one folder per batch
   * (which made a deep chain's purge quadratic in its depth). Every folder in the batch has all
   * of its children in it, so the ON DELETE CASCADE on parent_id never reaches beyond the batch
   * (the walk yields a folder after its only child, so the first `limit` it yields are closed
   * that way; were they not, the cascade would still delete only folders of the walk). Candidates
   * and found folders another purge holds are skipped (SKIP LOCKED); climbing never reaches a
   * folder whose child another purge holds, as that child is its only one.
   *
   * Neither the candidates nor the parents climbed to are checked against `trash_root_id`: they
   * are parents of folders of the subtree, hence in it (its top has no parent). Such a check let
   * the planner, whose statistics predate the trash, find them through that column's index, that
   * is by reading the whole rest of the subtree in every batch (measured: 8 s for a batch of a
   * 4,000-deep chain, against 0.2 s by primary key).
   */
  async deleteTrashedFolders(
    topId: string,
    from: readonly string[],
    limit: number,
    tx: Executor,
  ): Promise<Array<{ id: string; parentId: string | null }>> {
    const start =
      from.length > 0
        ? sql`select f.id, f.parent_id from file_nodes f
              where f.id = any(string_to_array(${from.join(',')}, ',')::uuid[]) and f.type = 'folder'
                and not exists (select 1 from file_nodes c where c.parent_id = f.id)
              for update of f skip locked`
        : sql`select f.id, f.parent_id from file_nodes f
              where f.trash_root_id = ${topId}::uuid and f.type = 'folder'
                and not exists (select 1 from file_nodes c where c.parent_id = f.id)
              limit ${limit} for update of f skip locked`;
    const rows = await queryRows<{ id: string; parent_id: string | null }>(
      tx,
      sql`
      with recursive batch (id, parent_id, depth) as (
        select leaf.id, leaf.parent_id, 0 from (${start}) leaf
        union all
        select p.id, p.parent_id, batch.depth + 1
        from batch join file_nodes p on p.id = batch.parent_id
        where batch.depth < ${limit}
          and not exists (select 1 from file_nodes o where o.parent_id = p.id and o.id <> batch.id)
      )
      delete from file_nodes where id in (select id from batch limit ${limit})
      returning id, parent_id`,
    );
    return rows.map((row) => ({ id: row.id, parentId: row.parent_id }));
  }

  /** Tops of trashed subtrees (any user) trashed before `before`: what the retention job deletes. */
  async expiredTrashTops(before: Date, limit: number, tx: Executor = this.db): Promise<Array<{ id: string; userId: string }>> {
    const rows = await tx
      .select({ id: fileNodes.id, userId: fileNodes.userId })
      .from(fileNodes)
      .where(
        and(
          eq(fileNodes.trashRootId, fileNodes.id),
          isNull(fileNodes.purgeStartedAt),
          sql`${fileNodes.trashedAt} < ${before.toISOString()}`,
        ),
      )
      .limit(limit);
    return rows;
  }

  /**
   * Tops whose deletion for good began at least `startedBefore` ago and is not finished: a purge
   * cut off by a crash or an error, which the retention job finishes whatever the item's age.
   */
  async interruptedPurges(startedBefore: Date, limit: number, tx: Executor = this.db): Promise<string[]> {
    const rows = await tx
      .select({ id: fileNodes.id })
      .from(fileNodes)
      .where(and(eq(fileNodes.trashRootId, fileNodes.id), sql`${fileNodes.purgeStartedAt} < ${startedBefore.toISOString()}`))
      .limit(limit);
    return rows.map((row) => row.id);
  }
}
