import type { SearchFilters, SearchProfile } from '../api/types';

/** File-type presets for the search filters, as extension lists. */
export const TYPE_PRESETS: { id: string; label: string; extensions: string[] }[] = [
  { id: 'images', label: 'Images', extensions: ['jpg', 'jpeg', 'png', 'gif', 'webp', 'heic', 'svg'] },
  { id: 'documents', label: 'Documents', extensions: ['pdf', 'doc', 'docx', 'odt', 'txt', 'md', 'rtf'] },
  { id: 'sheets', label: 'Spreadsheets', extensions: ['xls', 'xlsx', 'ods', 'csv'] },
  { id: 'video', label: 'Video', extensions: ['mp4', 'mov', 'webm', 'mkv', 'avi'] },
  { id: 'audio', label: 'Audio', extensions: ['mp3', 'wav', 'flac', 'm4a', 'ogg'] },
  { id: 'archives', label: 'Archives', extensions: ['zip', 'tar', 'gz', '7z', 'rar'] },
];

/** The search form's state, as it appears in the page URL (sizes in MB, dates as days). */
export interface SearchForm {
  q: string;
  types: string[];
  sizeMinMb: string;
  sizeMaxMb: string;
  from: string;
  to: string;
}

const MB = 1024 * 1024;

/** "pdf, .DOCX  md" → ["pdf", "docx", "md"]. */
export function parseExtensions(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((ext) => ext.replace(/^\./, '').toLowerCase())
        .filter(Boolean),
    ),
  ];
}

export function formFromParams(params: URLSearchParams): SearchForm {
  return {
    q: params.get('q') ?? '',
    types: parseExtensions(params.get('types') ?? ''),
    sizeMinMb: params.get('sizeMinMb') ?? '',
    sizeMaxMb: params.get('sizeMaxMb') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
}

export function formToParams(form: SearchForm): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string) => value && params.set(key, value);
  set('q', form.q.trim());
  set('types', form.types.join(','));
  set('sizeMinMb', form.sizeMinMb);
  set('sizeMaxMb', form.sizeMaxMb);
  set('from', form.from);
  set('to', form.to);
  return params;
}

const mb = (value: string) => (value.trim() === '' || Number.isNaN(Number(value)) ? undefined : Math.round(Number(value) * MB));
const dayStart = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : undefined);
const dayEnd = (day: string) => (day ? new Date(`${day}T23:59:59.999`).toISOString() : undefined);

/** The API's filters for a form. */
export function filtersFromForm(form: SearchForm): SearchFilters {
  return {
    q: form.q.trim(),
    types: form.types,
    sizeMin: mb(form.sizeMinMb),
    sizeMax: mb(form.sizeMaxMb),
    from: dayStart(form.from),
    to: dayEnd(form.to),
  };
}

/** A profile to save for a form. */
export function profileFromForm(name: string, form: SearchForm): Omit<SearchProfile, 'id'> {
  const filters = filtersFromForm(form);
  return {
    name,
    query: filters.q,
    fileTypes: filters.types,
    ...(filters.sizeMin !== undefined ? { sizeMin: filters.sizeMin } : {}),
    ...(filters.sizeMax !== undefined ? { sizeMax: filters.sizeMax } : {}),
    ...(filters.from ? { dateFrom: filters.from } : {}),
    ...(filters.to ? { dateTo: filters.to } : {}),
  };
}

/** The form showing a saved profile. */
export function formFromProfile(profile: SearchProfile): SearchForm {
  const toMb = (bytes: number | null | undefined) =>
    bytes === null || bytes === undefined ? '' : String(Math.round((bytes / MB) * 100) / 100);
  const toDay = (iso: string | null | undefined) => {
    if (!iso) {
      return '';
    }
    const date = new Date(iso);
    return Number.isNaN(date.getTime())
      ? ''
      : `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  };
  return {
    q: profile.query,
    types: profile.fileTypes,
    sizeMinMb: toMb(profile.sizeMin),
    sizeMaxMb: toMb(profile.sizeMax),
    from: toDay(profile.dateFrom),
    to: toDay(profile.dateTo),
  };
}

/** A hit's folder path, without the item's own name should the server include it. */
export function folderOfPath(path: string, name: string): string {
  const trimmed = path.endsWith(`/${name}`) ? path.slice(0, -(name.length + 1)) : path;
  return trimmed || '/';
}
