import type { MouseEvent } from 'react';
import type { ApiError } from '../api/http';
import { linkFailure } from '../api/public-shares';

export interface LinkChecks {
  /** For content that answered it is gone: whether it is the link, and if so `onGone`. */
  contentGone: () => void;
  /**
   * A download link's click: asks first whether the link still opens, since a download of a link
   * revoked meanwhile would save the server's refusal as a file.
   */
  download: (event: MouseEvent<HTMLAnchorElement>) => void;
}

/** The checks of a shared folder's page, telling `onGone` why the link no longer opens. */
export function linkChecks(token: string, onGone: (why: ApiError) => void): LinkChecks {
  const opens = async () => {
    const why = await linkFailure(token);
    if (why) {
      onGone(why);
    }
    return why === undefined;
  };
  return {
    // Out of reach: the app says so already.
    contentGone: () => void opens().catch(() => undefined),
    download: (event) => {
      event.preventDefault();
      const url = event.currentTarget.href;
      opens().then(
        (open) => open && window.location.assign(url),
        () => undefined,
      );
    },
  };
}
