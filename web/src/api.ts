// The GraphQL API from the browser, typed by the documents graphql-codegen generates (web/gql/).
// Files go as a GraphQL multipart request: no base64 in the page, and the same CSRF rule as any
// client (the preflight header).
import type { TypedDocumentString } from '../gql/graphql';

export class ApiError extends Error {}

/**
 * Runs `document` with `variables`; each file replaces the `null` at its variable path (e.g.
 * `variables.image.upload`), as the multipart request spec says.
 */
export async function request<Result, Variables>(
  document: TypedDocumentString<Result, Variables>,
  variables: Variables,
  files: Array<{ path: string; file: File }>,
  apiKey: string,
): Promise<Result> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: document.toString(), variables }));
  form.append('map', JSON.stringify(Object.fromEntries(files.map((f, i) => [String(i), [`variables.${f.path}`]]))));
  files.forEach((f, i) => form.append(String(i), f.file, f.file.name));
  const headers: Record<string, string> = { 'apollo-require-preflight': 'true' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const response = await fetch('/graphql', { method: 'POST', headers, body: form });
  const body = (await response.json().catch(() => ({}))) as { data?: Result; errors?: Array<{ message: string }> };
  if (!body.data) throw new ApiError(body.errors?.map((e) => e.message).join('; ') || `HTTP ${response.status}`);
  return body.data;
}
