/** `media-library/server`: run the ImageKit-compatible media server from your own code. */
export { defaultConfig, resolveConfig, type ServerConfig } from './config.js';
export { libraryIsEmpty, type SeedOptions, seedSampleLibrary } from './seed.js';
export { type MediaServer, type StartHooks, startMediaServer } from './server.js';
