// Errors a workspace raises when it refuses a file. Each names the problem in words a person can act on.

/** Base class: every refusal to open a workspace. */
export class WorkspaceOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkspaceOpenError';
  }
}

/** The file is not an SQLite database, is damaged, or belongs to another application. */
export class WorkspaceCorruptError extends WorkspaceOpenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkspaceCorruptError';
  }
}

/** The recorded migration history differs from the migrations this version of Casebook knows. */
export class MigrationHistoryError extends WorkspaceOpenError {
  constructor(
    message: string,
    readonly migrationId: number,
  ) {
    super(message);
    this.name = 'MigrationHistoryError';
  }
}

/** The workspace holds migrations this version does not know: it was written by a newer Casebook. */
export class WorkspaceTooNewError extends MigrationHistoryError {
  constructor(message: string, migrationId: number) {
    super(message, migrationId);
    this.name = 'WorkspaceTooNewError';
  }
}

/** A migration's SQL failed; its transaction was rolled back and the file is as it was before it. */
export class MigrationFailedError extends WorkspaceOpenError {
  constructor(
    message: string,
    readonly migrationId: number,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'MigrationFailedError';
  }
}
