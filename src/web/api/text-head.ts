import { fetchFromServer } from './http';

export interface TextHead {
  text: string;
  /** Whether the file goes on past `text`. */
  truncated: boolean;
}

/**
 * The first `limit` bytes of a file as UTF-8 text, asking for a byte range and stopping the
 * stream there anyway. Rejects as the API calls do (an ApiError of status 0 when the server
 * cannot be reached), so a preview says what the rest of the app says and loads again by itself.
 */
export async function readTextHead(url: string, limit: number, signal: AbortSignal): Promise<TextHead> {
  const response = await fetchFromServer(url, { headers: { range: `bytes=0-${limit - 1}` }, signal });
  const reader = response.body?.getReader();
  if (!reader) {
    return { text: await response.text(), truncated: false };
  }
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    const room = limit - received;
    const chunk = value.byteLength > room ? value.subarray(0, room) : value;
    received += chunk.byteLength;
    text += decoder.decode(chunk, { stream: true });
    if (received >= limit) {
      await reader.cancel();
      break;
    }
  }
  text += decoder.decode();
  const totalHeader = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
  const total = totalHeader ? Number(totalHeader) : Number(response.headers.get('content-length') ?? received);
  return { text, truncated: received >= limit && total > received };
}
