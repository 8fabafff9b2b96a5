/** Names shorter than this (in characters as the eye counts them) are never split. */
const SPLIT_FROM = 20;
/** How many characters before the extension stay with it, at least. */
const KEPT_BEFORE_EXTENSION = 5;
/** How much further back the kept end may reach to start at the beginning of a word. */
const WORD_REACH = 6;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const isSpace = (text: string | undefined) => text !== undefined && /^\s+$/u.test(text);

/**
 * The end of a name that stays visible when the name is cut: its extension (up to 10 characters)
 * and the characters before it, from the start of their word when it is near ("…2024-11-05.pdf",
 * "…FINAL v3.xlsx"), which often tell similar names apart. Counted in whole characters (an emoji
 * or an accented letter is never cut in two), and never starting with a space.
 */
export function keptTail(name: string): string {
  const chars = Array.from(segmenter.segment(name), (part) => part.segment);
  if (chars.length < SPLIT_FROM) {
    return '';
  }
  const dot = chars.lastIndexOf('.');
  const extension = dot > 0 && chars.length - dot <= 11 ? chars.length - dot : 0;
  let start = chars.length - extension - KEPT_BEFORE_EXTENSION;
  for (let at = start; at > start - WORD_REACH && at > 0; at -= 1) {
    if (isSpace(chars[at - 1])) {
      start = at;
      break;
    }
  }
  while (start < chars.length - 1 && isSpace(chars[start])) {
    start += 1;
  }
  return chars.slice(start).join('');
}

/**
 * A name that is cut in the middle when it does not fit, as Finder and Files do, so that the end
 * (the extension, a date or a number) stays visible: "Quarterly report fin…2024-11-05.pdf". The
 * text is the whole name (for copying, searching the page and assistive technology).
 */
export function MiddleTruncated({ name, className }: { name: string; className: string }) {
  const tail = keptTail(name);
  return (
    <span className={`${className} middle-truncated`} title={name}>
      <span className="truncated-head">{name.slice(0, name.length - tail.length)}</span>
      {tail ? <span className="truncated-tail">{tail}</span> : null}
    </span>
  );
}
