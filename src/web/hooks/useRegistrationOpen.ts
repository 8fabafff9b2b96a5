import { fetchRegistrationOpen } from '../api/auth';
import { useAsync } from './useAsync';

/**
 * Whether sign-up is open on this server: false only once the server said it is closed, so that
 * the sign-up link and form stay while the answer is on its way or could not be had (sign-up then
 * says why it failed, as any request does).
 */
export function useRegistrationOpen(): boolean {
  const { data } = useAsync(fetchRegistrationOpen, []);
  return data !== false;
}
