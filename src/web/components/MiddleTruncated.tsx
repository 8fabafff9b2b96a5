/** Names shorter than this are never split: they are cut at the end, if at all. */
const SPLIT_FROM = 20;
/** How many characters before the extension stay with it. */
const KEPT_BEFORE_EXTENSION = 5;

/**
 * The end of a name that stays visible when the name is cut: its extension (up to 10 characters)
 * and the few characters before it, which often tell similar names apart ("… 2024-11-05.pdf").
 */
export function keptTail(name: string): string {
  if (name.length < SPLIT_FROM) {
    return '';
  }
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 11 ? name.length - dot : 0;
  return name.slice(name.length - extension - KEPT_BEFORE_EXTENSION);
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
