import { Link } from '../components/Link';
import { EmptyState } from '../components/States';

/** Any path the app does not know. */
export function NotFoundPage() {
  return (
    <div className="page">
      <EmptyState icon="alert" title="Page not found">
        <p>
          There is nothing at this address. <Link to="/">Go to your files</Link>
        </p>
      </EmptyState>
    </div>
  );
}
