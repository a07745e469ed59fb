/** Realistic API Gateway authorizer events (shapes as documented by AWS), for the authorizer tests. */
import type {
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';

export const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/orders/42';
export const STAGE_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/*';

export function tokenEvent(authorizationToken: string): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', methodArn: METHOD_ARN, authorizationToken };
}

export function requestEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    resource: '/orders/{id}',
    path: '/orders/42',
    httpMethod: 'GET',
    headers: {
      Host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      'User-Agent': 'curl/8.5.0',
      ...headers,
    },
    multiValueHeaders: Object.fromEntries(
      Object.entries({ Host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com', ...headers }).map(([k, v]) => [
        k,
        [v],
      ]),
    ),
    pathParameters: { id: '42' },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: 'GET',
      path: '/prod/orders/42',
      stage: 'prod',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1767225600000,
      resourceId: 'abc123',
      resourcePath: '/orders/{id}',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'curl/8.5.0',
        userArn: null,
      },
    },
  };
}

export function httpApiEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:f9e8d7c6b5/$default/GET/orders/42',
    identitySource: headers['authorization'] === undefined ? [] : [headers['authorization']],
    routeKey: 'GET /orders/{id}',
    rawPath: '/orders/42',
    rawQueryString: '',
    cookies: [],
    headers: {
      host: 'f9e8d7c6b5.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'curl/8.5.0',
      ...headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'f9e8d7c6b5',
      domainName: 'f9e8d7c6b5.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'f9e8d7c6b5',
      http: {
        method: 'GET',
        path: '/orders/42',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'curl/8.5.0',
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'GET /orders/{id}',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1767225600000,
    },
    pathParameters: { id: '42' },
  };
}
