import { randomBytes } from 'node:crypto';

export type MultipartPart =
  | { field: string; value: string }
  | {
      file: Buffer | string;
      filename?: string;
      field?: string;
      contentType?: string;
      /** Content-Disposition parameters after the name, sent byte for byte in place of `filename` (`filename*=UTF-8''%FF.txt`). */
      params?: Buffer;
    };

/** A multipart/form-data body and its content type, built by hand so tests control every byte. */
export function multipartBody(parts: MultipartPart[]): { body: Buffer; contentType: string } {
  const boundary = `----fileflow${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('value' in part) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.field}"\r\n\r\n${part.value}\r\n`));
    } else {
      // Without a filename, a part is still a file to the parser when its type is application/octet-stream.
      const filename = part.params
        ? Buffer.concat([Buffer.from('; '), part.params])
        : Buffer.from(part.filename === undefined ? '' : `; filename="${part.filename.replace(/"/g, '%22')}"`);
      chunks.push(
        Buffer.from(`Content-Disposition: form-data; name="${part.field ?? 'file'}"`),
        filename,
        Buffer.from(`\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}\r\n\r\n`),
      );
      chunks.push(Buffer.isBuffer(part.file) ? part.file : Buffer.from(part.file));
      chunks.push(Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
