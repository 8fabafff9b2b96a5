/** An error the client caused or may see: carries the HTTP status and the contract's error code. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Further fields of the error object, beside code and message (a compatible extension). */
    readonly details?: Readonly<Record<string, string | number>>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const invalidRequest = (message: string) => new AppError(400, 'invalid_request', message);
export const unauthenticated = (message = 'You need to sign in.') => new AppError(401, 'unauthenticated', message);
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
export const notFound = (what = 'That item') => new AppError(404, 'not_found', `${what} was not found.`);
export const nameTaken = (name: string) =>
  new AppError(409, 'name_taken', `An item named "${name}" already exists in this folder.`);
/**
 * name_taken for a move or a copy: "this folder" would read as the one the item is seen in, so the
 * destination is named (`folderName` null: the top level).
 */
export const nameTakenAt = (name: string, folderName: string | null) =>
  new AppError(
    409,
    'name_taken',
    folderName === null
      ? `There is already an item named "${name}" at the top level.`
      : `"${folderName}" already has an item named "${name}".`,
  );
export const invalidMove = (message = 'A folder cannot be moved into itself or one of its subfolders.') =>
  new AppError(409, 'invalid_move', message);
export const tooLarge = (message: string) => new AppError(413, 'too_large', message);
/** A file above FILEFLOW_MAX_UPLOAD. */
export const aboveUploadLimit = (maxUpload: number) => tooLarge(`The file is larger than the ${maxUpload}-byte upload limit.`);
export const quotaExceeded = () =>
  new AppError(507, 'quota_exceeded', 'Not enough room: this would exceed your storage quota.');
/** A chunk sent at another offset than the upload session's: `offset` says where to go on from. */
export const offsetMismatch = (offset: number) =>
  new AppError(409, 'offset_mismatch', `The upload is at offset ${offset}; send the chunk that starts there.`, { offset });
export const uploadIncomplete = (offset: number, size: number) =>
  new AppError(409, 'upload_incomplete', `Only ${offset} of ${size} bytes have arrived; send the rest before completing.`);
export const rateLimited = (retryAfterSeconds: number) =>
  Object.assign(new AppError(429, 'rate_limited', 'Too many requests; try again later.'), { retryAfterSeconds });
/** The blob store did not answer (unreachable, or failing on its side): worth a retry shortly. `cause` is logged, never sent. */
export const storageUnavailable = (cause: unknown) =>
  Object.assign(new AppError(503, 'storage_unavailable', 'File storage is not answering; try again in a moment.'), {
    retryAfterSeconds: 10,
    cause,
  });

/** The `code` a Node.js system error carries ("ECONNRESET", "EADDRINUSE"...), if `error` has one. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
