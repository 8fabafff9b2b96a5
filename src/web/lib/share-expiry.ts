/** The expiry choices of a share link's forms: days from now, or a last day. */
export const EXPIRY_CHOICES = [
  { value: '1', label: '1 day' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: 'date', label: 'On a date…' },
];

/**
 * The expiry fields for the API from a choice: `{ expiresInDays }`, or `{ expiresAt }` at the end
 * of the chosen day in the browser's time zone; a string is the reason the choice is incomplete.
 */
export function expiryFields(choice: string, day: string): { expiresInDays: number } | { expiresAt: string } | string {
  if (choice !== 'date') {
    return { expiresInDays: Number(choice) };
  }
  if (!day) {
    return 'Choose the day the link stops working.';
  }
  return { expiresAt: new Date(`${day}T23:59:59`).toISOString() };
}

/** Today in the browser's time zone, as an <input type="date"> writes it. */
export function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}
