/** Small builders for the OpenAPI document (openapi.ts). */
export const json = (schema: object) => ({ content: { 'application/json': { schema } } });
export const problem = {
  description: 'Problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};
export const str = { type: 'string' };
export const tokens = {
  description: 'Token response',
  ...json({ $ref: '#/components/schemas/TokenResponse' }),
};
export const bearer = [{ bearer: [] }];

export function op(
  summary: string,
  body: object | null,
  responses: Record<string, object>,
  secured = false,
): object {
  return {
    summary,
    ...(body !== null ? { requestBody: { required: true, ...json(body) } } : {}),
    ...(secured ? { security: bearer } : {}),
    responses: { ...responses, '4XX': problem },
  };
}

export const obj = (required: string[], properties: Record<string, object>) => ({
  type: 'object',
  required,
  properties,
});
