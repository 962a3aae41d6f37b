// The name of a new workspace and where its file goes: the workspaces folder by default, or a full
// path the person types (the folder must exist). Refusals about either are shown beside them.
import { useId } from 'react';
import type { ApiFailure } from '../../api/contract';
import { fileSlug } from './useCreateWorkspace';

export interface Place {
  name: string;
  path: string;
}

export function WorkspacePlace({ value, onChange, folder, failure, disabled }: { value: Place; onChange: (next: Place) => void; folder: string; failure: ApiFailure | null; disabled?: boolean }) {
  const id = useId();
  const pathIssue = failure?.issues?.find((i) => i.path === 'path');
  const nameIssue = failure?.issues?.find((i) => i.path === 'name');
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return (
    <div className="start-place">
      <label className="form-row" htmlFor={`${id}-name`}>
        <span>Workspace name</span>
        <input
          id={`${id}-name`}
          className="input"
          value={value.name}
          maxLength={100}
          disabled={disabled}
          data-testid="start-name"
          aria-invalid={nameIssue ? true : undefined}
          onChange={(e) => onChange({ ...value, name: e.target.value })}
        />
      </label>
      {nameIssue ? <p className="field-error">{nameIssue.message}</p> : null}
      {value.path.trim() ? null : (
        <p className="muted start-where" data-testid="start-where">
          Saved as {folder}
          {sep}
          {fileSlug(value.name)}.casebook
        </p>
      )}
      <details className="start-elsewhere" open={value.path !== '' || pathIssue !== undefined}>
        <summary>Save it somewhere else</summary>
        <label className="form-row" htmlFor={`${id}-path`}>
          <span>Full path of the new file (its folder must exist)</span>
          <input
            id={`${id}-path`}
            className="input"
            value={value.path}
            disabled={disabled}
            placeholder={`${folder}${sep}my-team.casebook`}
            data-testid="start-path"
            aria-invalid={pathIssue ? true : undefined}
            onChange={(e) => onChange({ ...value, path: e.target.value })}
          />
        </label>
        {pathIssue ? (
          <p className="field-error" data-testid="start-path-error">
            {pathIssue.message}
          </p>
        ) : null}
      </details>
    </div>
  );
}
