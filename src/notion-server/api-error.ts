/**
 * Errors the local server answers with, in Notion's JSON error shape.
 * Handlers throw them; the server turns them into `{ object: "error", status, code, message, request_id }`.
 */

/** An error the server sends to the client as a Notion error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly additionalData?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 400 validation_error with Notion's "<where> failed validation: …" wording. */
export function validationError(message: string): ApiError {
  return new ApiError(400, 'validation_error', message);
}

/** Renders a value the way Notion quotes it in validation messages (`"abc"`, `101`, `undefined`). */
export function quoteValue(value: unknown): string {
  return value === undefined ? '`undefined`' : `\`${JSON.stringify(value)}\``;
}

/** The 404 Notion sends for unknown or unshared pages, databases, blocks and data sources. */
export function notFound(kind: 'page' | 'block' | 'database' | 'data_source', id: string, integrationName: string, botId: string): ApiError {
  const noun = kind === 'data_source' ? 'data source' : kind;
  return new ApiError(
    404,
    'object_not_found',
    `Could not find ${noun} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration "${integrationName}".`,
    { integration_id: botId },
  );
}

/** The 404 Notion sends for users it cannot see (recorded wording). */
export function userNotFound(id: string, botId: string): ApiError {
  return new ApiError(
    404,
    'object_not_found',
    `Could not find user with ID: ${id}. Make sure your integration has capabilities to read user information. With those capabilities, only members and guests in the integration's workspace are visible.`,
    { integration_id: botId },
  );
}

/**
 * The 403 Notion sends when the integration lacks the capability an endpoint needs (e.g. the
 * comments endpoint without "Read comments").
 */
export function restrictedResource(): ApiError {
  return new ApiError(403, 'restricted_resource', 'Insufficient permissions for this endpoint.');
}

/** The body of a Notion error response; key order as recorded. */
export function errorBody(err: ApiError, requestId: string): Record<string, unknown> {
  return {
    object: 'error',
    status: err.status,
    code: err.code,
    message: err.message,
    ...(err.additionalData ? { additional_data: err.additionalData } : {}),
    request_id: requestId,
  };
}
