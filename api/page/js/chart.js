// A horizontal bar chart drawn as inline SVG: one bar per indicator on a 0–100 % scale.
const SVG = "http://www.w3.org/2000/svg";

function node(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

export function barChart(bars, title) {
  const rowHeight = 28;
  const width = 640;
  const labelWidth = 220;
  const barSpace = width - labelWidth - 70;
  const svg = node("svg", { viewBox: `0 0 ${width} ${bars.length * rowHeight + 10}`, role: "img", width, "aria-label": title });
  svg.append(node("title", {}, title));
  bars.forEach((bar, k) => {
    const y = k * rowHeight + 5;
    const length = Math.max(0, Math.min(1, bar.value)) * barSpace;
    svg.append(node("text", { x: labelWidth - 8, y: y + 17, "text-anchor": "end", fill: "#1b1f24", "font-size": 14 }, bar.label));
    svg.append(node("rect", { x: labelWidth, y: y + 3, width: barSpace, height: 18, fill: "#e3e8ee" }));
    svg.append(node("rect", { x: labelWidth, y: y + 3, width: length, height: 18, fill: "#0b5cad" }));
    svg.append(node("text", { x: labelWidth + barSpace + 6, y: y + 17, fill: "#1b1f24", "font-size": 14 }, bar.text));
  });
  return svg;
}
