/** `media-library/server`: run the ImageKit-compatible media server from your own code. */
export { defaultConfig, resolveConfig, type ServerConfig } from './config.js';
export { type MediaServer, startMediaServer } from './server.js';
