// The Cuadro de Monitoreo's charts: each <canvas data-chart-table="ID"> draws the table with that id, so the
// chart and its accessible table always show the same numbers. Bundled by esbuild into web/static/dist/.
import { ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Tooltip } from "chart.js";

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, Tooltip);

const PALETTE = ["#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#6f42c1", "#8c6d1f", "#17a2b8", "#6c757d"];
const MAX_BARS = 15;

function rowsOf(table) {
  return Array.from(table.tBodies[0].rows).slice(0, MAX_BARS).map((row) => ({
    label: row.cells[0].dataset.label || row.cells[0].textContent.trim(),
    value: Number(row.cells[1].dataset.value || 0),
  }));
}

function draw(canvas) {
  const table = document.getElementById(canvas.dataset.chartTable);
  if (!table) return;
  const rows = rowsOf(table);
  const doughnut = canvas.dataset.chartType === "doughnut";
  new Chart(canvas, {
    type: doughnut ? "doughnut" : "bar",
    data: {
      labels: rows.map((r) => r.label),
      datasets: [{ label: "Casos", data: rows.map((r) => r.value), backgroundColor: doughnut ? PALETTE : PALETTE[0] }],
    },
    options: {
      indexAxis: doughnut ? undefined : "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: doughnut, position: "bottom" } },
    },
  });
}

document.querySelectorAll("canvas[data-chart-table]").forEach(draw);
