import { readFileSync } from 'node:fs';
import { createLogger, defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * `vite dev` proxies the api exactly like nginx does in the container:
 * `/api/` and the Socket.IO path `/socket.io/` (WebSocket) go to API_UPSTREAM.
 */
const apiUpstream = process.env.API_UPSTREAM ?? 'http://127.0.0.1:5000';

/**
 * `/config.json` in `vite dev`, from the same AUTH_* variables and the same template as
 * the container (nginx/templates/app-config.json.template); unset = sign-in off.
 */
function runtimeConfig(): Plugin {
  const template = readFileSync(new URL('./nginx/templates/app-config.json.template', import.meta.url), 'utf8');
  const vars: Record<string, string> = {
    AUTH_CLIENT_ID: process.env.AUTH_CLIENT_ID ?? '',
    AUTH_AUTHORITY: process.env.AUTH_AUTHORITY ?? '',
    AUTH_SCOPE: process.env.AUTH_SCOPE ?? '',
    AUTH_PROTOCOL: process.env.AUTH_PROTOCOL || 'entra',
  };
  // JSON-escape each value (JSON.stringify without the quotes), so no value can break the document.
  const body = template.replace(/\$\{(\w+)\}/g, (_m, name: string) => JSON.stringify(vars[name] ?? '').slice(1, -1));
  return {
    name: 'runtime-config',
    configureServer(server) {
      server.middlewares.use('/config.json', (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.setHeader('cache-control', 'no-store');
        res.end(body);
      });
    },
  };
}

/**
 * Vite's logger, without the stack traces it prints when a browser drops a proxied WebSocket
 * before the api answered (EPIPE/ECONNRESET): React's StrictMode connects twice in development,
 * so every page load did it. Every other error is printed as is.
 */
function quietWebSocketDrops() {
  // A custom logger replaces Vite's, level included: keep the command line's --logLevel / -l.
  const argv = process.argv;
  const at = argv.findIndex((a) => a === '--logLevel' || a === '-l');
  const given = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--logLevel='))?.slice('--logLevel='.length);
  const level = given === 'silent' || given === 'error' || given === 'warn' ? given : 'info';
  const logger = createLogger(level);
  const error = logger.error.bind(logger);
  logger.error = (msg, options) => {
    const code = (options?.error as NodeJS.ErrnoException | undefined)?.code;
    if (/ws proxy (socket )?error/.test(msg) && (code === 'EPIPE' || code === 'ECONNRESET')) return;
    error(msg, options);
  };
  return logger;
}

export default defineConfig({
  customLogger: quietWebSocketDrops(),
  plugins: [react(), runtimeConfig()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/api/': { target: apiUpstream, changeOrigin: false },
      '/socket.io/': { target: apiUpstream, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
