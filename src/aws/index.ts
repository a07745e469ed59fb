/** `gatehouse/aws`: the Gatehouse Lambda handler, and API Gateway authorizers for your own APIs. */

export { handler } from '../runtime/lambda.ts';
export {
  type AuthorizerOptions,
  createHttpApiAuthorizer,
  createRequestAuthorizer,
  createTokenAuthorizer,
  type GatehouseAuthorizerContext,
  type PolicyResult,
  type SimpleResult,
} from './authorizers.ts';
