/**
 * The Fastify application: guards (Host, Origin/CORS, rate limit, body limits), errors as `{"detail": ...}`,
 * OpenAPI at `/openapi.json` with offline docs at `/docs`, and every route of API.md.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { nonFiniteNumberPath, outOfRangeMessage } from '../shared/jsonNumbers';
import { HttpError } from './httpError';
import { ReportCache } from './reportCache';
import { clientErrorHandler, multipartProblem } from './requestErrors';
import type { MultipartLimits } from './requestErrors';
import { callerLookups, sessionLookup } from './routeContext';
import type { RouteContext, ServerServices, ZodApp } from './routeContext';
import { registerAnalysisRoutes } from './routes/analysisRoutes';
import { registerCompatRoutes } from './routes/compat/compatRoutes';
import { registerGenerateRoutes } from './routes/generateRoutes';
import { registerHealthRoutes } from './routes/healthRoutes';
import { registerJobRoutes } from './routes/jobRoutes';
import { registerRecommendRoutes } from './routes/recommendRoutes';
import { registerUploadRoutes } from './routes/uploadRoutes';

/** Everything `createApp` needs; the caller owns (and closes) the stores. */
export interface AppDeps extends ServerServices {
  /** Fastify logger option (false in tests). */
  logger?: FastifyServerOptions['logger'];
  /** Directory with Swagger UI's static assets when running from a bundle (see esbuild.mjs). */
  swaggerUiDir?: string;
}

/** Limits of a multipart body (an upload is one file part; a few text fields are tolerated). */
const MULTIPART_LIMITS: MultipartLimits = { files: 2, fields: 10, fieldSize: 4096, parts: 20, headerPairs: 100 };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const DEFAULT_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i;

/** OpenAPI description of the `POST /upload` multipart body. */
const UPLOAD_BODY_DOC = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary', description: 'The dataset: .jsonl / .ndjson, or .json holding an array.' },
  },
};

/** `Host` values accepted for a server bound to `host` on `port` (DNS-rebinding guard). */
export function allowedHostHeaders(host: string, port: number, extra: readonly string[]): Set<string> {
  const names = LOOPBACK.has(host) ? ['127.0.0.1', 'localhost', '[::1]'] : [host.includes(':') ? `[${host}]` : host];
  const allowed = new Set<string>();
  for (const name of names) {
    allowed.add(`${name}:${port}`.toLowerCase());
    // Clients leave out the default port: `Host: localhost` means port 80.
    if (port === 80) allowed.add(name.toLowerCase());
  }
  for (const h of extra) allowed.add(h.toLowerCase());
  return allowed;
}

/** Whether a browser origin may call the API. */
export function isOriginAllowed(origin: string, allowed: readonly string[] | null): boolean {
  return allowed === null ? DEFAULT_ORIGIN.test(origin) : allowed.includes(origin);
}

function validationMessage(error: FastifyError): string {
  if (hasZodFastifySchemaValidationErrors(error)) {
    return error.validation
      .map((v) => {
        const where = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
        const message = v.message ?? 'invalid value';
        return where && !message.startsWith(where) ? `${where}: ${message}` : message;
      })
      .join('; ');
  }
  return error.message;
}

function sendError(reply: FastifyReply, status: number, detail: string, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers(headers).type('application/json; charset=utf-8').send({ detail });
}

/** Build the application (not yet listening). */
export async function createApp(deps: AppDeps): Promise<ZodApp> {
  const { config } = deps;
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: config.jsonBodyLimit,
    trustProxy: false,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Errors before routing (Node's HTTP parser, a URL parameter too long) get the `{"detail"}` shape too.
    clientErrorHandler,
    frameworkErrors: (error, _request, reply) => {
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      void sendError(reply, status, status === 414 ? 'A path parameter of the URL is too long.' : 'The URL is malformed.');
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Guards run before anything else, including the rate limiter and body parsing.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = (request.headers.host ?? '').toLowerCase();
    if (!allowedHostHeaders(config.host, port, config.allowedHosts).has(host)) {
      return sendError(reply, 403, 'Host not allowed: requests must address the server by its bound host and port.');
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !isOriginAllowed(origin, config.allowedOrigins)) {
      return sendError(reply, 403, 'Origin not allowed.');
    }
    return undefined;
  });

  app.setErrorHandler((error: FastifyError & { detail?: string }, request, reply) => {
    if (error instanceof HttpError) return sendError(reply, error.statusCode, error.message, error.headers);
    if (error.validation || hasZodFastifySchemaValidationErrors(error)) {
      return sendError(reply, 400, validationMessage(error));
    }
    const multipartError = multipartProblem(error, MULTIPART_LIMITS);
    if (multipartError) return sendError(reply, multipartError.status, multipartError.detail);
    const status = error.statusCode ?? 500;
    if (status === 429) return sendError(reply, 429, error.detail ?? 'Too many requests.');
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, 413, `Request body too large (limit ${config.jsonBodyLimit} bytes for JSON routes).`);
    }
    if (status >= 400 && status < 500) return sendError(reply, status, error.message);
    request.log.error({ err: { message: error.message, stack: error.stack } }, 'request failed');
    return sendError(reply, 500, 'Internal server error.');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'Not Found'));

  // Fastify's JSON parser (prototype-poisoning checks included), plus: a number beyond a double's range is an error
  // naming where it is, not an Infinity that later reads as null.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error);
      const where = nonFiniteNumberPath(value);
      return where === null ? done(null, value) : done(new HttpError(400, outOfRangeMessage(where)));
    });
  });

  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin === undefined || isOriginAllowed(origin, config.allowedOrigins)),
    methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept'],
    exposedHeaders: ['Retry-After', 'Content-Disposition'],
    maxAge: 600,
  });
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    // The socket address: X-Forwarded-For is client-controlled and trustProxy is off.
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      detail: `Too many requests: limit is ${context.max} per minute; retry in ${context.after}.`,
    }),
  });
  await app.register(multipart, {
    limits: { ...MULTIPART_LIMITS, fileSize: config.maxUploadBytes + 1 },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'SLMGEN API',
        version: deps.version,
        description: 'Local SLMGEN server: dataset analysis, model recommendation and notebook generation.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      // The multipart body is read by @fastify/multipart, not validated by a schema: documented here only, so that
      // /docs offers a file picker.
      return input.url === '/upload' ? { ...out, schema: { ...out.schema, body: UPLOAD_BODY_DOC } } : out;
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // From a bundle the plugin cannot find its own folder: assets and logo come from the copied directory.
    ...(deps.swaggerUiDir
      ? { baseDir: deps.swaggerUiDir, logo: { type: 'image/svg+xml', content: await readFile(join(deps.swaggerUiDir, 'logo.svg')) } }
      : {}),
    uiConfig: { validatorUrl: null, deepLinking: false },
    staticCSP: true,
  });

  const ctx: RouteContext = {
    config,
    version: deps.version,
    sessions: deps.sessions,
    jobs: deps.jobs,
    verifier: deps.verifier,
    engine: deps.engine,
    reports: deps.engine.analyze ? new ReportCache(deps.sessions, deps.engine.analyze, config.analysisConcurrency) : null,
    ...callerLookups(deps.verifier),
    ...sessionLookup(deps.sessions),
  };
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerHealthRoutes(app, ctx);
  registerUploadRoutes(app, ctx);
  registerAnalysisRoutes(app, ctx);
  registerRecommendRoutes(app, ctx);
  registerGenerateRoutes(app, ctx);
  registerJobRoutes(app, ctx);
  // SLMGEN's web UI: the routes as the original backend implemented them (README, "Use SLMGEN's web UI").
  registerCompatRoutes(app, ctx);

  const sweeper = setInterval(() => void deps.sessions.sweep(), 60_000);
  sweeper.unref();
  // preClose runs before Fastify waits for in-flight requests: analyses are aborted (their requests answer 503)
  // while uploads and other short requests still finish.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    ctx.reports?.cancelAll();
  });
  // Keep-alive sockets that go idle after close() began would otherwise hold it open until their timeout.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
  });
  return app;
}
