import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TreeAnswerCache } from '../http/tree-answers.js';
import type { SearchProfileValues } from '../repositories/search-profiles.repository.js';
import type { SearchFilters } from '../repositories/search.repository.js';
import { requireSignedIn, requireUser, treeVersionReadWithCredential } from '../plugins/auth.js';
import type { Services } from '../services/index.js';
import { filtersOf, normaliseFileTypes, searchKeyOf, type SearchResult } from '../services/search.service.js';
import { errors, idParams, notModified, parseId, TREE_VALIDATORS, treeAnswerDocs } from './common.schemas.js';
import { toNodeDto } from './nodes.schemas.js';
import {
  createProfileBody,
  pageQuery,
  parseDateBound,
  profileSchema,
  searchQuery,
  searchResultsSchema,
  toProfileDto,
  updateProfileBody,
} from './search.schemas.js';

const toResultsDto = ({ results, total }: { results: SearchResult[]; total: number }) => ({
  results: results.map(({ node, path }) => ({ ...toNodeDto(node), path })),
  total,
});

type ProfileInput = Partial<z.infer<typeof updateProfileBody>>;

/** The profile values a request body stands for (only the fields it gives). */
function profileValues(body: ProfileInput): Partial<SearchProfileValues> {
  const values: Partial<SearchProfileValues> = {};
  if (body.name !== undefined) {
    values.name = body.name;
  }
  if (body.query !== undefined) {
    values.query = body.query;
  }
  if (body.fileTypes !== undefined) {
    values.fileTypes = normaliseFileTypes(body.fileTypes, 'fileTypes');
  }
  if (body.sizeMin !== undefined) {
    values.sizeMin = body.sizeMin;
  }
  if (body.sizeMax !== undefined) {
    values.sizeMax = body.sizeMax;
  }
  if (body.dateFrom !== undefined) {
    values.dateFrom = parseDateBound(body.dateFrom, 'dateFrom', false) ?? null;
  }
  if (body.dateTo !== undefined) {
    values.dateTo = parseDateBound(body.dateTo, 'dateTo', true) ?? null;
  }
  return values;
}

/** Names everything a page of results depends on besides the user's tree: who asks, for what, which page. */
function searchKey(userId: string, filters: SearchFilters, page: { limit: number; offset: number }): string {
  return `search:${searchKeyOf(userId, filters)}:${page.limit}:${page.offset}`;
}

/** Name search and saved search profiles. */
export const searchRoutes: FastifyPluginAsyncZod<{ services: Services; answers: TreeAnswerCache }> = async (app, { services, answers }) => {
  const { search } = services;
  app.addHook('onRequest', requireSignedIn);

  /**
   * A page of results, from the answers kept while the user's tree is unchanged
   * (http/tree-answers.ts): a search asked again, a page gone back to, or a polling client that
   * sends If-None-Match, costs one read of the tree version.
   */
  const sendResults = (request: FastifyRequest, reply: FastifyReply, userId: string, filters: SearchFilters, page: { limit: number; offset: number }) =>
    answers.send(
      request,
      reply,
      searchKey(userId, filters, page),
      async (known) => {
        const { treeVersion, found } = await search.runIfChanged(userId, filters, page, known, treeVersionReadWithCredential(request));
        return { treeVersion, value: found };
      },
      toResultsDto,
    );

  app.get(
    '/api/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Search live files and folders by name (case-insensitive substring), type, size and date; newest first',
        description: TREE_VALIDATORS,
        openapi: treeAnswerDocs,
        querystring: searchQuery,
        response: { 200: searchResultsSchema, ...notModified, ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const filters = {
        query: query.q,
        fileTypes: normaliseFileTypes(query.types.split(',')),
        sizeMin: query.sizeMin,
        sizeMax: query.sizeMax,
        createdFrom: parseDateBound(query.from, 'from', false),
        createdTo: parseDateBound(query.to, 'to', true),
      };
      return sendResults(request, reply, requireUser(request).userId, filters, { limit: query.limit, offset: query.offset });
    },
  );

  app.get(
    '/api/search-profiles',
    { schema: { tags: ['search'], summary: 'Saved search profiles', response: { 200: z.object({ items: z.array(profileSchema) }), ...errors(401) } } },
    async (request) => ({ items: (await search.listProfiles(requireUser(request).userId)).map(toProfileDto) }),
  );

  app.post(
    '/api/search-profiles',
    {
      schema: {
        tags: ['search'],
        summary: 'Save a search profile',
        body: createProfileBody,
        response: { 201: profileSchema, ...errors(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const values = profileValues(request.body);
      const profile = await search.createProfile(requireUser(request).userId, {
        name: request.body.name,
        query: request.body.query,
        fileTypes: values.fileTypes ?? [],
        sizeMin: values.sizeMin ?? null,
        sizeMax: values.sizeMax ?? null,
        dateFrom: values.dateFrom ?? null,
        dateTo: values.dateTo ?? null,
      });
      return reply.status(201).send(toProfileDto(profile));
    },
  );

  app.get(
    '/api/search-profiles/:id',
    { schema: { tags: ['search'], summary: 'A search profile', params: idParams, response: { 200: profileSchema, ...errors(401, 404) } } },
    async (request) => toProfileDto(await search.getProfile(requireUser(request).userId, parseId(request.params.id, 'That search profile'))),
  );

  app.patch(
    '/api/search-profiles/:id',
    {
      schema: {
        tags: ['search'],
        summary: 'Change a search profile',
        params: idParams,
        body: updateProfileBody,
        response: { 200: profileSchema, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) =>
      toProfileDto(
        await search.updateProfile(requireUser(request).userId, parseId(request.params.id, 'That search profile'), profileValues(request.body)),
      ),
  );

  app.delete(
    '/api/search-profiles/:id',
    { schema: { tags: ['search'], summary: 'Delete a search profile', params: idParams, response: { 204: z.null(), ...errors(401, 404) } } },
    async (request, reply) => {
      await search.deleteProfile(requireUser(request).userId, parseId(request.params.id, 'That search profile'));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/search-profiles/:id/results',
    {
      schema: {
        tags: ['search'],
        summary: "Run a saved profile's search",
        description: TREE_VALIDATORS,
        openapi: treeAnswerDocs,
        params: idParams,
        querystring: pageQuery,
        response: { 200: searchResultsSchema, ...notModified, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const userId = requireUser(request).userId;
      // Kept under the search the profile stands for now, so an edited profile never gets its old answer.
      const profile = await search.getProfile(userId, parseId(request.params.id, 'That search profile'));
      return sendResults(request, reply, userId, filtersOf(profile), request.query);
    },
  );
};
