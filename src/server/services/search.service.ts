import type { SearchProfileRow } from '../db/schema/index.js';
import { AppError, invalidRequest, notFound } from '../errors.js';
import { pgErrorOf, UNIQUE_VIOLATION } from '../db/errors.js';
import type { SearchProfilesRepository, SearchProfileValues } from '../repositories/search-profiles.repository.js';
import type { SearchFilters, SearchRepository } from '../repositories/search.repository.js';
import type { ListedNode } from '../repositories/nodes.repository.js';
import type { FolderPaths } from './folder-paths.js';
import { LruMap } from './lru-map.js';
import type { TreeVersions } from './tree-versions.js';

export interface SearchResult {
  node: ListedNode;
  path: string;
}

/** A page of search results, how many match in all, and the user's tree version they were read at (one snapshot). */
export interface VersionedResults {
  results: SearchResult[];
  total: number;
  treeVersion: number;
}

/** Lower-cased extensions without dots, de-duplicated; refuses anything that is not an extension. */
export function normaliseFileTypes(types: readonly string[], field = 'types'): string[] {
  const cleaned = types.map((type) => type.trim().replace(/^\./, '').toLowerCase()).filter((type) => type !== '');
  for (const type of cleaned) {
    if (!/^[\p{L}\p{N}_+-]{1,32}$/u.test(type)) {
      throw invalidRequest(`${field}: "${type.slice(0, 40)}" is not a file extension`);
    }
  }
  return [...new Set(cleaned)];
}

/** Checks that bounds are not crossed (min above max, from after to); the message names the fields as the caller sent them. */
export function assertBounds(filters: SearchFilters, dateFields: { from: string; to: string } = { from: 'from', to: 'to' }): void {
  if (filters.sizeMin !== undefined && filters.sizeMax !== undefined && filters.sizeMin > filters.sizeMax) {
    throw invalidRequest('sizeMin: must not be larger than sizeMax');
  }
  if (filters.createdFrom && filters.createdTo && filters.createdFrom > filters.createdTo) {
    throw invalidRequest(`${dateFields.from}: must not be after ${dateFields.to}`);
  }
}

/** The folders that hold these nodes (the root is none). */
function parentsOf(nodes: readonly ListedNode[]): Set<string> {
  return new Set(nodes.flatMap((node) => (node.parentId === null ? [] : [node.parentId])));
}

/** Names one search of one user, whatever the page. */
export function searchKeyOf(userId: string, filters: SearchFilters): string {
  const { query, fileTypes, sizeMin, sizeMax, createdFrom, createdTo } = filters;
  return `${userId}:${JSON.stringify([query, fileTypes, sizeMin, sizeMax, createdFrom?.getTime(), createdTo?.getTime()])}`;
}

/** Name search over a user's live nodes, and saved search profiles. */
export class SearchService {
  // How many matches each recent search found: the best guess of how many it finds next time,
  // which chooses how the statement gathers them (GatherShape). A tree seldom changes so much
  // between two runs of one search that the guess is far off, and a wrong guess costs a little
  // time, never a wrong answer.
  private readonly matchCounts = new LruMap<string, number>(10_000);

  constructor(
    private readonly search: SearchRepository,
    private readonly profiles: SearchProfilesRepository,
    private readonly versions: TreeVersions,
    private readonly folderPaths: FolderPaths,
  ) {}

  /**
   * One page of results, each with its full path ("/Docs/2024/report.pdf"). The paths come from
   * the folder paths this process remembers at the paths version the search read (see
   * SearchRepository.search); folders it does not know yet are read in a second statement, and if
   * a folder moved in between, the search runs again with the walk in its own snapshot.
   */
  async run(userId: string, filters: SearchFilters, page: { limit: number; offset: number }): Promise<VersionedResults> {
    assertBounds(filters);
    const countKey = searchKeyOf(userId, filters);
    let found = await this.search.search(userId, filters, page, this.folderPaths.knownVersion(userId), this.matchCounts.get(countKey));
    this.matchCounts.set(countKey, found.total);
    const first = this.folderPaths.resolve(userId, found.pathsVersion, found.folders, parentsOf(found.nodes));
    let paths = first.paths;
    const missing = first.missing;
    if (missing.length > 0) {
      const more = await this.search.folderLinks(userId, missing);
      if (more.pathsVersion === found.pathsVersion) {
        for (const [id, path] of this.folderPaths.resolve(userId, found.pathsVersion, more.folders, missing).paths) {
          paths.set(id, path);
        }
      } else {
        found = await this.search.search(userId, filters, page, null);
        ({ paths } = this.folderPaths.resolve(userId, found.pathsVersion, found.folders, parentsOf(found.nodes)));
      }
    }
    const results = found.nodes.map((node) => {
      const folderPath = node.parentId === null ? '' : paths.get(node.parentId);
      // A path is unknown only on a corrupted tree (a cycle): the name alone, as at the root.
      return { node, path: folderPath === null || folderPath === undefined ? `/${node.name}` : `${folderPath}/${node.name}` };
    });
    return { results, total: found.total, treeVersion: found.treeVersion };
  }

  /**
   * As run, unless the user's tree is still at `knownVersion` (the caller keeps what it was
   * answered at that version): then only the version is read (or taken from
   * `versionReadAlready`, see TreeVersions.current), and no results are returned. A search
   * depends on nothing but the user's nodes, whose every change moves the version.
   */
  async runIfChanged(
    userId: string,
    filters: SearchFilters,
    page: { limit: number; offset: number },
    knownVersion: number | undefined,
    versionReadAlready?: Promise<number | undefined>,
  ): Promise<{ treeVersion: number; found?: VersionedResults }> {
    assertBounds(filters);
    if (await this.versions.isAt(userId, knownVersion, versionReadAlready)) {
      return { treeVersion: knownVersion! };
    }
    const found = await this.run(userId, filters, page);
    return { treeVersion: found.treeVersion, found };
  }

  listProfiles(userId: string): Promise<SearchProfileRow[]> {
    return this.profiles.list(userId);
  }

  async getProfile(userId: string, id: string): Promise<SearchProfileRow> {
    const profile = await this.profiles.find(userId, id);
    if (!profile) {
      throw notFound('That search profile');
    }
    return profile;
  }

  async createProfile(userId: string, values: SearchProfileValues): Promise<SearchProfileRow> {
    this.checkProfile(values);
    return this.mapNameClash(values.name, () => this.profiles.insert(userId, values));
  }

  async updateProfile(userId: string, id: string, values: Partial<SearchProfileValues>): Promise<SearchProfileRow> {
    const current = await this.getProfile(userId, id);
    this.checkProfile({ ...current, ...values });
    const updated = await this.mapNameClash(values.name ?? current.name, () => this.profiles.update(userId, id, values));
    if (!updated) {
      throw notFound('That search profile');
    }
    return updated;
  }

  async deleteProfile(userId: string, id: string): Promise<void> {
    if (!(await this.profiles.delete(userId, id))) {
      throw notFound('That search profile');
    }
  }

  private checkProfile(values: SearchProfileValues): void {
    assertBounds(filtersOf(values), { from: 'dateFrom', to: 'dateTo' });
  }

  private async mapNameClash<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const pg = pgErrorOf(error);
      if (pg?.code === UNIQUE_VIOLATION) {
        throw new AppError(409, 'name_taken', `A search profile named "${name}" already exists.`);
      }
      throw error;
    }
  }
}

/** The search a profile stands for. */
export function filtersOf(profile: SearchProfileValues): SearchFilters {
  return {
    query: profile.query,
    fileTypes: profile.fileTypes,
    sizeMin: profile.sizeMin ?? undefined,
    sizeMax: profile.sizeMax ?? undefined,
    createdFrom: profile.dateFrom ?? undefined,
    createdTo: profile.dateTo ?? undefined,
  };
}
