// Reading a chosen or dropped file in the window: its bytes as base64, so the backend decodes them
// (mail by its declared charsets) rather than the browser guessing UTF-8.

/** A file's bytes as base64 (a data: URL is base64 after its first comma). */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      // An empty file may come back as a bare "data:" (older Chromium), with no comma.
      const comma = url.indexOf(',');
      resolve(comma === -1 ? '' : url.slice(comma + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(`${file.name} could not be read.`));
    reader.readAsDataURL(file);
  });
}
