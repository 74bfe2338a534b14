import {
  PostHogCaptureBody,
  PostHogCaptureResponse,
  PostHogEngageBody,
  SegmentBatchBody,
  SegmentMessage,
  SegmentResponse,
} from '@opsloop/schema';
import { z } from 'zod';
import {
  POSTHOG_CAPTURE_PATHS,
  POSTHOG_ENGAGE_PATH,
  SEGMENT_BATCH_PATHS,
  SEGMENT_SINGLE_PATHS,
} from './paths.js';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

const ERRORS = {
  '400': {
    description: 'Malformed body, or every event refused: `{ error: { code, message, issues? } }`',
  },
  '401': { description: 'Missing or unknown write key, or a secret key' },
  '413': { description: 'Body larger than 20 MB (compressed or not)' },
  '503': { description: 'Events could not be made durable; nothing was kept: retry' },
};

const BODY_NOTE =
  'JSON in any content type (sendBeacon sends text/plain), gzip (magic bytes, Content-Encoding or ' +
  '`compression=gzip-js`), a form body `data=<json|base64>` or `compression=base64`. Events above 1 MB ' +
  'or with a distinct id above 200 characters are refused one by one and listed in `rejected`.';

/**
 * OpenAPI paths for the capture routes. They read raw bodies (gzip, base64,
 * forms), so they are mounted by hand rather than as described routes; this
 * describes them from the same zod schemas that document the wire contract.
 */
export function captureOpenApiPaths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  const posthogBody = jsonSchema(PostHogCaptureBody);
  const posthogResponse = jsonSchema(PostHogCaptureResponse);
  const operation = (summary: string, tag: string, body: JsonSchema, response: JsonSchema) => ({
    summary,
    description: BODY_NOTE,
    tags: [tag],
    security: [],
    requestBody: { required: true, content: { 'application/json': { schema: body } } },
    responses: {
      '200': {
        description: 'Accepted (refused events listed)',
        content: { 'application/json': { schema: response } },
      },
      ...ERRORS,
    },
  });
  const query = [
    {
      name: 'compression',
      in: 'query',
      required: false,
      schema: { enum: ['gzip-js', 'gzip', 'base64'] },
    },
    {
      name: 'data',
      in: 'query',
      required: false,
      schema: { type: 'string' },
      description: 'GET: the body, JSON or base64',
    },
    {
      name: '_',
      in: 'query',
      required: false,
      schema: { type: 'string' },
      description: 'Client send time (ms), for clock-skew correction',
    },
  ];
  for (const path of POSTHOG_CAPTURE_PATHS) {
    const post = operation(
      'PostHog capture: one event, an array, or {api_key, batch, sent_at}.',
      'ingest-posthog',
      posthogBody,
      posthogResponse,
    );
    paths[`${path}/`] = {
      post: { ...post, parameters: query },
      get: { summary: post.summary, tags: post.tags, parameters: query, responses: post.responses },
    };
  }
  paths[`${POSTHOG_ENGAGE_PATH}/`] = {
    post: operation(
      'PostHog legacy people API: $set / $set_once / $unset on a person.',
      'ingest-posthog',
      jsonSchema(PostHogEngageBody),
      posthogResponse,
    ),
  };
  const segmentResponse = jsonSchema(SegmentResponse);
  for (const path of SEGMENT_BATCH_PATHS) {
    paths[path] = {
      post: operation(
        'Segment batch; write key in the body or as the Basic user.',
        'ingest-segment',
        jsonSchema(SegmentBatchBody),
        segmentResponse,
      ),
    };
  }
  const message = jsonSchema(SegmentMessage);
  for (const [path, type] of SEGMENT_SINGLE_PATHS) {
    paths[path] = {
      post: operation(`Segment ${type}.`, 'ingest-segment', message, segmentResponse),
    };
  }
  paths['/flags/'] = {
    post: {
      summary: 'PostHog flags (v2): answers no flags.',
      tags: ['ingest-posthog'],
      security: [],
      responses: { '200': { description: '`{flags: {}, errorsWhileComputingFlags: false}`' } },
    },
  };
  paths['/array/{token}/config'] = {
    get: {
      summary: 'posthog-js remote config: no recordings, surveys or flags.',
      tags: ['ingest-posthog'],
      security: [],
      parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': { description: 'Remote config JSON' } },
    },
  };
  return paths;
}
