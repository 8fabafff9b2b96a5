/** Focuses the element with this id once the page has been updated (it may be rendered anew). */
export function focusSoon(id: string): void {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}
