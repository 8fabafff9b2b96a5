export * from './users.js';
export * from './sessions.js';
export * from './nodes.js';
export * from './rate-limits.js';
export * from './blobs.js';
