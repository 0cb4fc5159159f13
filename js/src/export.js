// Export the laid-out SVG (as Graphviz produced it, without pan/zoom) as .svg or .png.
// A failure rejects with an Error whose `key` (and `detail`) name its text in i18n.js.

function failure(key, message, detail) {
  return Object.assign(new Error(message), { key, detail });
}

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function exportSvg(svgText, filename = "autograd-graph.svg") {
  download(new Blob([svgText], { type: "image/svg+xml" }), filename);
}

export function svgToPngBlob(svgText, scale = 2, background = "#ffffff") {
  return new Promise((resolve, reject) => {
    const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
    const svg = doc.documentElement;
    const error = doc.getElementsByTagName("parsererror")[0];
    if (error) {
      const detail = error.textContent.trim().split("\n")[0];
      reject(failure("exportNotXml", `the SVG is not valid XML: ${detail}`, detail));
      return;
    }
    const vb = (svg.getAttribute("viewBox") || "0 0 100 100").split(/[\s,]+/).map(Number);
    const w = Math.ceil(vb[2] * scale);
    const h = Math.ceil(vb[3] * scale);
    svg.setAttribute("width", String(w));
    svg.setAttribute("height", String(h));
    const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(svg)], { type: "image/svg+xml" }));
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = background;
      ctx.fillRect(0, 0, w, h);
      ctx.drawImage(img, 0, 0, w, h);
      URL.revokeObjectURL(url);
      canvas.toBlob((b) => (b ? resolve(b) : reject(failure("exportPngEncoding", "PNG encoding failed"))), "image/png");
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(failure("exportRasterise", "could not rasterise the SVG"));
    };
    img.src = url;
  });
}

export async function exportPng(svgText, filename = "autograd-graph.png") {
  download(await svgToPngBlob(svgText), filename);
}
