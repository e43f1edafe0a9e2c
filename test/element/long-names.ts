// Names at the server's limit (255 characters), seeded by test-server.ts at
// /edit/long/<longFolderName>/<longFileName> and read by the layout tests in the browser.

export const longFolderName = 'a-folder-name-as-long-as-the-server-allows-'.repeat(6).slice(0, 255);
export const longFileName = `${'a-file-name-as-long-as-the-server-allows-'.repeat(7).slice(0, 251)}.png`;
