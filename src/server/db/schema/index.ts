export * from './users.js';
export * from './sessions.js';
export * from './nodes.js';
export * from './rate-limits.js';
export * from './blobs.js';
export * from './search-profiles.js';
export * from './shares.js';
export * from './jobs.js';
