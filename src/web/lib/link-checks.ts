import type { MouseEvent } from 'react';
import { contentAnswers } from '../api/files';
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
  /** The folder a zip was asked of is no longer in the shared folder; the link still opens. */
  onFolderMissing: () => void;
}

export interface LinkChecks {
  /** For content that answered it is gone: whether it is the link or only the file. */
  contentGone: () => void;
  /**
   * A file's download link's click: asks the server first (a HEAD, which counts as no download),
   * since the browser would show or save the server's refusal instead of the file.
   */
  download: (event: MouseEvent<HTMLAnchorElement>) => void;
  /** The same for a zip (a HEAD of a zip answers without building it, and counts as no download). */
  zipDownload: (event: MouseEvent<HTMLAnchorElement>) => void;
  /** The same for a file's content opened in a new tab (a PDF): see openCheckedInNewTab. */
  openInNewTab: (event: MouseEvent<HTMLAnchorElement>) => void;
}

/**
 * A click on a link that opens content in a new tab (target="_blank"): the tab shows the content
 * only once `opens` said it opens; otherwise the page has said why, and the tab is closed. The
 * tab is opened at once, while the click still counts as the user's: a pop-up blocker may refuse
 * one opened after the check's wait.
 */
export function openCheckedInNewTab(event: MouseEvent<HTMLAnchorElement>, opens: (url: string) => Promise<boolean>): void {
  event.preventDefault();
  const url = event.currentTarget.href;
  const tab = window.open('', '_blank');
  void opens(url)
    .catch(() => false)
    .then((open) => {
      if (!open) {
        tab?.close();
      } else if (tab) {
        // As rel="noopener" would have it: the content's tab cannot reach this page.
        tab.opener = null;
        tab.location.replace(url);
      } else {
        window.open(url, '_blank', 'noopener');
      }
    });
}

/**
 * A click on a download link that lets the browser go to it only once `opens` said the content
 * opens; otherwise the page has said why.
 */
export function checkedClick(opens: (url: string) => Promise<boolean>): (event: MouseEvent<HTMLAnchorElement>) => void {
  return (event) => {
    event.preventDefault();
    const url = event.currentTarget.href;
    void opens(url).then((open) => open && window.location.assign(url));
  };
}

/** The checks of a shared folder's page. Out of reach, they do nothing more: the app says so already. */
export function linkChecks(token: string, events: LinkEvents): LinkChecks {
  const contentGone = () =>
    void linkFailure(token).then(
      (why) => (why ? events.onGone(why) : events.onMissing()),
      () => undefined,
    );
  // Whether the content can be fetched; if not, what became of it (or of the link) is told.
  const contentOpens = (url: string, gone: () => void) =>
    contentAnswers(url, {
      onRefused: (error) => {
        if (error instanceof ApiError && error.status === 401) {
          events.onLocked();
        } else if (isGone(error)) {
          gone();
        }
      },
    });
  const fileOpens = (url: string) => contentOpens(url, contentGone);
  const folderGone = () =>
    void linkFailure(token).then(
      (why) => (why ? events.onGone(why) : events.onFolderMissing()),
      () => undefined,
    );
  const zipOpens = (url: string) => contentOpens(url, folderGone);
  return {
    contentGone,
    download: checkedClick(fileOpens),
    zipDownload: checkedClick(zipOpens),
    openInNewTab: (event) => openCheckedInNewTab(event, fileOpens),
  };
}
