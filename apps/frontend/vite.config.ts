import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * `vite dev` proxies the api exactly like nginx does in the container:
 * `/api/` and the Socket.IO path `/socket.io/` (WebSocket) go to API_UPSTREAM.
 */
const apiUpstream = process.env.API_UPSTREAM ?? 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [react()],
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
