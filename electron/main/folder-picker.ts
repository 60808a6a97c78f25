import { dialog, type BrowserWindow } from 'electron';

/** The native "choose a folder" dialog, attached to the window when there is one. */
export async function pickFolder(parent: BrowserWindow | null): Promise<string | null> {
  const options = { title: 'Open a repository', properties: ['openDirectory' as const] };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
