import { and, eq, gte, inArray, isNull, lt, lte, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { compileQuery, runCompiled, type CompiledQuery, type Executor } from '../db/client.js';
import { fileNodes } from '../db/schema/index.js';
import {
  fromListedTuple,
  jsonValue,
  listedColumnsOf,
  listedTupleOf,
  treeVersionOf,
  treeVersionStatementOf,
  type ListedNode,
  type ListedNodeTuple,
  type TreeVersionValue,
} from './nodes.repository.js';

export interface SearchFilters {
  /** Case-insensitive substring of the name; `%` and `_` are literal. */
  query: string;
  /** Extensions without the dot, lower-case ("pdf"); non-empty restricts to files. */
  fileTypes: string[];
  sizeMin?: number;
  sizeMax?: number;
  createdFrom?: Date;
  createdTo?: Date;
}

/** `%`, `_` and the escape character itself, escaped for LIKE ... ESCAPE '\'. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const LATEST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Whether a search may run as a named statement, whose plan is cached and made once for any
 * pattern (a generic plan). That plan scans the trigram index, the best plan whenever the pattern
 * holds a trigram, and planning was most of the statement's time for a selective pattern. A
 * pattern without three letters or digits in a row has no trigram to look up: the index would be
 * read whole (47 ms against 7 for "a" at 10,000 files), so such searches, and those with other
 * filters (whose best plan depends on their bounds), are planned for their values each time.
 */
function planIsPatternIndependent(filters: SearchFilters): boolean {
  return (
    /[a-z0-9]{3}/i.test(filters.query) &&
    filters.fileTypes.length === 0 &&
    filters.sizeMin === undefined &&
    filters.sizeMax === undefined &&
    filters.createdFrom === undefined &&
    filters.createdTo === undefined
  );
}

/** The name condition: a case-insensitive substring, served by the trigram index on name (pg_trgm handles ILIKE). */
function nameMatches(pattern: string | Placeholder): SQL {
  return sql`${fileNodes.name} ilike ${pattern} escape '\\'`;
}

/** The ILIKE pattern for a substring, with `%`, `_` and the backslash in it taken literally. */
function substringPattern(query: string): string {
  return `%${escapeLike(query)}%`;
}

/** A folder as a walk up from search results reads it: enough to build paths. */
export interface FolderLink {
  id: string;
  parentId: string | null;
  name: string;
}

/** A FolderLink as the statements' JSON carries it. */
type FolderLinkTuple = [id: string, parentId: string | null, name: string];

const fromLinkTuples = (value: FolderLinkTuple[] | string | null | undefined): FolderLink[] =>
  jsonValue(value ?? []).map(([id, parentId, name]) => ({ id, parentId, name }));

const pathsVersionStatementOf = (user: Placeholder) => sql`select paths_version from tree_versions where user_id = ${user}`;

/**
 * `folders (id, parent_id, name)`: the folders named by `start` (a subquery of ids) and all their
 * ancestors, each once. UNION, not UNION ALL: results in one folder share its whole chain, and a
 * cycle (a corrupted tree) ends the walk instead of looping.
 */
function foldersUpFrom(start: SQL, condition: SQL = sql`true`): SQL {
  return sql`folders (id, parent_id, name) as (
        select n.id, n.parent_id, n.name from file_nodes n where n.id in (${start}) and ${condition}
        union
        select n.id, n.parent_id, n.name from file_nodes n join folders on n.id = folders.parent_id
      )`;
}

const folderLinksJson = sql`(select coalesce(json_agg(json_build_array(folders.id, folders.parent_id, folders.name)), '[]'::json) from folders)`;

/**
 * How a search gathers its matches before choosing the page (see searchStatement): `narrow`
 * collects each match's id and creation time and reads only the page's rows whole; `wide`
 * collects every match whole, sparing the page's 50 lookups by id at the cost of copying each
 * match's listed columns. Statement alone, prepared, 101,000 nodes, p50 ms narrow → wide, PGlite /
 * PostgreSQL: "tokyo" (105 matches) 1.30 → 1.15 / 1.40 → 1.14, "img" (307) 1.83 → 1.71 / 1.85 →
 * 1.48, "report" (478) 2.31 → 2.38 / 2.33 → 2.13, "inv" (1,103) 3.81 → 4.11 / 3.91 → 3.78,
 * ".pdf" (1,888) 5.78 → 6.67 / 5.28 → 5.58. Wide wins below a few hundred matches on both
 * databases and loses above about a thousand, so it is chosen only when the caller expects few.
 */
export type GatherShape = 'narrow' | 'wide';

/** Up to how many expected matches a search gathers them wide (see GatherShape). */
export const WIDE_GATHER_LIMIT = 400;

/**
 * One page of the nodes that match `where`, newest first, how many match in all, the user's tree
 * and paths versions in the same snapshot, and the folders above the page's nodes (see
 * SearchRepository.search); limit, offset and the caller's paths version bound at each run.
 *
 * Narrow (the default), the matches are gathered as ids and creation times, counted, and sorted
 * for the page; only the page's rows are then read whole. A window count over whole rows (an
 * earlier shape) copied every match's listed columns into the window's store: on PostgreSQL,
 * statement alone over loopback (pgbench, prepared), ".pdf" (1,888 matches) 3.25 → 2.47 ms, "inv"
 * (1,103) 2.09 → 1.61, "report" (478) 1.39 → 1.09, "meeting" (225) 1.08 → 0.84, "quokka" (29) 0.65
 * → 0.71. Wide, they are gathered whole and the page is taken from them.
 */
function searchStatement(where: SQL | undefined, shape: GatherShape): SQL {
  const userId = sql.placeholder('userId');
  const limit = sql`limit ${sql.placeholder('limit')} offset ${sql.placeholder('offset')}`;
  const gathered =
    shape === 'wide'
      ? sql`matches as (
        select ${listedColumnsOf('file_nodes')} from ${fileNodes} where ${where}
      ), page as (
        select * from matches order by created_at desc, id desc ${limit}
      )`
      : sql`matches as (
        select ${fileNodes.id}, ${fileNodes.createdAt} from ${fileNodes} where ${where}
      ), page as (
        select ${listedColumnsOf('f')} from (
          select id, created_at from matches order by created_at desc, id desc ${limit}
        ) chosen join file_nodes f on f.id = chosen.id
      )`;
  return sql`
      with recursive ${gathered}, ${foldersUpFrom(sql`select parent_id from page`, sql`(${pathsVersionStatementOf(userId)}) is distinct from ${sql.placeholder('knownPathsVersion')}::bigint`)}
      select
        (select coalesce(json_agg(${sql.raw(listedTupleOf('page'))} order by page.created_at desc, page.id desc), '[]'::json) from page) as nodes,
        ${folderLinksJson} as folders,
        (select count(*) from matches) as total,
        (${treeVersionStatementOf(userId)}) as tree_version,
        (${pathsVersionStatementOf(userId)}) as paths_version`;
}

const nameSearchWhere = and(eq(fileNodes.userId, sql.placeholder('userId')), isNull(fileNodes.trashedAt), nameMatches(sql.placeholder('pattern')));

/** A search by name alone, rendered once in each shape: the common search, and the one whose plan is cached. */
const nameSearchStatements: Record<GatherShape, CompiledQuery> = {
  narrow: compileQuery(searchStatement(nameSearchWhere, 'narrow'), { hot: true }),
  wide: compileQuery(searchStatement(nameSearchWhere, 'wide'), { hot: true }),
};

/** The user's folders among `ids` (comma-separated) and all their ancestors, with the paths version read with them. */
const folderLinksStatement: CompiledQuery = compileQuery(
  sql`
      with recursive ${foldersUpFrom(
        sql`select unnest(string_to_array(${sql.placeholder('ids')}, ','))::uuid`,
        sql`n.user_id = ${sql.placeholder('userId')}`,
      )}
      select ${folderLinksJson} as folders, (${pathsVersionStatementOf(sql.placeholder('userId'))}) as paths_version`,
  { hot: true },
);

/** A paths version as the drivers return a bigint (null: the user is gone). */
const pathsVersionOf = (value: TreeVersionValue | undefined): number | null => (value === null || value === undefined ? null : Number(value));

/** SQL for searching a user's live nodes by name and filters. */
export class SearchRepository {
  constructor(private readonly db: Executor) {}

  private where(userId: string, filters: SearchFilters): SQL | undefined {
    const conditions: Array<SQL | undefined> = [eq(fileNodes.userId, userId), isNull(fileNodes.trashedAt)];
    if (filters.query !== '') {
      conditions.push(nameMatches(substringPattern(filters.query)));
    }
    if (filters.fileTypes.length > 0) {
      conditions.push(eq(fileNodes.type, 'file'));
      // The text after the last dot, not counting a leading one: ".pdf" is a dotfile, not a PDF.
      conditions.push(inArray(sql`lower(substring(${fileNodes.name} from '^.+\\.([^.]+)$'))`, filters.fileTypes));
    }
    if (filters.sizeMin !== undefined) {
      conditions.push(gte(fileNodes.size, filters.sizeMin));
    }
    if (filters.sizeMax !== undefined) {
      conditions.push(lte(fileNodes.size, filters.sizeMax));
    }
    if (filters.createdFrom) {
      conditions.push(gte(fileNodes.createdAt, filters.createdFrom));
    }
    // The last millisecond of year 9999 bounds nothing (and its successor is no time the database reads).
    if (filters.createdTo && filters.createdTo.getTime() < LATEST_TIME) {
      // Times are shown to the millisecond but stored to the microsecond: a bound equal to a
      // node's createdAt as shown must include that node, so compare up to the next millisecond.
      conditions.push(lt(fileNodes.createdAt, new Date(filters.createdTo.getTime() + 1)));
    }
    return and(...conditions);
  }

  /**
   * One page of matches, newest first, and how many there are in all (also for a page past the
   * end), at the user's tree version it read: one statement. The page is one JSON value (for the
   * reason given at NodesRepository.listChildren).
   *
   * Paths are built by the caller from folder links. The statement walks up from the page's
   * folders (each folder once) only when the user's paths version is not `knownPathsVersion`,
   * the version at which the caller remembers folder paths: a folder's path changes only when it
   * or a folder above it is renamed or moved, which moves the paths version (migration 0008), so
   * a search right after an upload, a favourite or a file's rename needs no walk at all.
   *
   * `expectedMatches`, when the caller has a good guess (how many the same search found last
   * time), chooses how the matches are gathered (GatherShape); the answer is the same either way.
   */
  async search(
    userId: string,
    filters: SearchFilters,
    page: { limit: number; offset: number },
    knownPathsVersion: number | null,
    expectedMatches?: number,
  ): Promise<{ nodes: ListedNode[]; folders: FolderLink[]; total: number; treeVersion: number; pathsVersion: number | null }> {
    const shape: GatherShape = expectedMatches !== undefined && expectedMatches <= WIDE_GATHER_LIMIT ? 'wide' : 'narrow';
    const statement = planIsPatternIndependent(filters) ? nameSearchStatements[shape] : compileQuery(searchStatement(this.where(userId, filters), shape));
    const [found] = await runCompiled<{
      nodes: ListedNodeTuple[] | string;
      folders: FolderLinkTuple[] | string;
      total: number | string | null;
      tree_version: TreeVersionValue;
      paths_version: TreeVersionValue;
    }>(this.db, statement, {
      userId,
      pattern: substringPattern(filters.query),
      limit: page.limit,
      offset: page.offset,
      knownPathsVersion: knownPathsVersion ?? -1,
    });
    return {
      nodes: jsonValue(found?.nodes ?? []).map(fromListedTuple),
      folders: fromLinkTuples(found?.folders),
      total: Number(found?.total ?? 0),
      treeVersion: treeVersionOf(found?.tree_version),
      pathsVersion: pathsVersionOf(found?.paths_version),
    };
  }

  /** The user's folders among `ids` and every folder above them, at the paths version read with them. */
  async folderLinks(userId: string, ids: readonly string[]): Promise<{ folders: FolderLink[]; pathsVersion: number | null }> {
    const [found] = await runCompiled<{ folders: FolderLinkTuple[] | string; paths_version: TreeVersionValue }>(this.db, folderLinksStatement, {
      userId,
      ids: ids.join(','),
    });
    return { folders: fromLinkTuples(found?.folders), pathsVersion: pathsVersionOf(found?.paths_version) };
  }
}
