import type { MouseEvent } from 'react';
import { checkContent } from '../api/files';
import { ApiError } from '../api/http';
import { linkFailure } from '../api/public-shares';
import { isGone } from '../components/preview/ContentError';

/** What a shared folder's page is told when a check finds the link or a file in it changed. */
export interface LinkEvents {
  /** The link was revoked, or expired: the page then says only that. */
  onGone: (why: ApiError) => void;
  /** The link asks for its password again (it was changed). */
  onLocked: () => void;
  /** A file is no longer in the folder; the link still opens. */
  onMissing: () => void;
}

export interface LinkChecks {
  /** For content that answered it is gone: whether it is the link or only the file. */
  contentGone: () => void;
  /**
   * A file's download link's click: asks the server first (a HEAD, which counts as no download),
   * since the browser would show or save the server's refusal instead of the file.
   */
  download: (event: MouseEvent<HTMLAnchorElement>) => void;
  /** The same for a zip, asking the link only: a HEAD would build the zip. */
  zipDownload: (event: MouseEvent<HTMLAnchorElement>) => void;
}

/** The checks of a shared folder's page. Out of reach, they do nothing more: the app says so already. */
export function linkChecks(token: string, events: LinkEvents): LinkChecks {
  const contentGone = () =>
    void linkFailure(token).then(
      (why) => (why ? events.onGone(why) : events.onMissing()),
      () => undefined,
    );
  // Whether the file can be downloaded; if not, what became of it (or of the link) is told.
  const fileOpens = (url: string) =>
    checkContent(url).then(
      () => true,
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) {
          events.onLocked();
        } else if (isGone(error)) {
          contentGone();
        }
        return false;
      },
    );
  const linkOpens = () =>
    linkFailure(token).then(
      (why) => {
        if (why) {
          events.onGone(why);
        }
        return why === undefined;
      },
      () => false,
    );
  const checkedClick = (opens: (url: string) => Promise<boolean>) => (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    const url = event.currentTarget.href;
    void opens(url).then((open) => open && window.location.assign(url));
  };
  return { contentGone, download: checkedClick(fileOpens), zipDownload: checkedClick(linkOpens) };
}
