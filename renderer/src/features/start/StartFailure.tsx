// Why a workspace was not made or opened, in the backend's words. Refusals about the name or path are
// shown beside those fields (WorkspacePlace); this shows the message itself, announced.
import type { ApiFailure } from '../../api/contract';

export function StartFailure({ failure, testId = 'start-error' }: { failure: ApiFailure | null; testId?: string }) {
  if (!failure) return null;
  return (
    <p className="start-error" role="alert" data-testid={testId}>
      {failure.message}
    </p>
  );
}
