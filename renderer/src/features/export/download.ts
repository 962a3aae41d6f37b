// Saves a file the backend made: a Blob and a link with a `download` attribute, clicked. Works in
// a browser and in Electron's window alike (Electron shows its save dialog or saves to Downloads).
import type { ApiResults } from '../../api/contract';

export type ExportedFile = ApiResults['exportMessages'];

export function saveFile(file: ExportedFile): void {
  const blob = new Blob([file.content], { type: `${file.mimeType};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has handed the Blob to the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
