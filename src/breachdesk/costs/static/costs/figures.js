// Draw the costs app's charts with Chart.js (served from npm as vendor/chartjs/chart.umd.js).
// Data comes from <script type="application/json"> elements written by Django's json_script: no inline script.
(function () {
  "use strict";

  function yen(value) {
    return "¥" + Number(value).toLocaleString();
  }

  // Draw horizontal dashed lines at data.references (value, label): the benchmark figures.
  const referenceLines = {
    id: "breachdeskReferenceLines",
    afterDatasetsDraw(chart, _args, options) {
      const refs = options && options.references;
      if (!refs || !refs.length) return;
      const { ctx, chartArea, scales } = chart;
      ctx.save();
      ctx.font = "11px sans-serif";
      refs.forEach((ref, n) => {
        const y = scales.y.getPixelForValue(ref.value);
        if (y < chartArea.top || y > chartArea.bottom) return;
        ctx.strokeStyle = "#b3261e";
        ctx.setLineDash([5, 3]);
        ctx.beginPath();
        ctx.moveTo(chartArea.left, y);
        ctx.lineTo(chartArea.right, y);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = "#b3261e";
        ctx.textAlign = n % 2 ? "left" : "right";
        ctx.fillText(yen(ref.value) + " " + ref.label, n % 2 ? chartArea.left + 4 : chartArea.right - 4, y - 3);
      });
      ctx.restore();
    },
  };

  // Draw a vertical line at options.now on the x scale: "now" on the deadline timeline.
  const nowLine = {
    id: "breachdeskNowLine",
    afterDatasetsDraw(chart, _args, options) {
      if (!options || options.now === undefined || options.now === null) return;
      const { ctx, chartArea, scales } = chart;
      const x = scales.x.getPixelForValue(options.now);
      if (x < chartArea.left || x > chartArea.right) return;
      ctx.save();
      ctx.strokeStyle = "#b3261e";
      ctx.setLineDash([4, 2]);
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      ctx.fillStyle = "#b3261e";
      ctx.font = "11px sans-serif";
      ctx.textAlign = "center";
      ctx.fillText(options.label || "now", x, chartArea.top + 10);
      ctx.restore();
    },
  };

  function datasets(data, extra) {
    return data.datasets.map((d) => Object.assign({ label: d.label, data: d.data, backgroundColor: d.colour, borderColor: d.colour }, extra || {}));
  }

  function config(data) {
    const base = { responsive: true, maintainAspectRatio: false, animation: false };
    switch (data.kind) {
      case "stacked":
        return { type: "bar", data: { labels: data.labels, datasets: datasets(data) },
          options: Object.assign(base, { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }) };
      case "bars":
        return { type: "bar", data: { labels: data.labels, datasets: datasets(data) },
          options: Object.assign(base, { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }) };
      case "lines":
        return { type: "line", data: { labels: data.labels, datasets: datasets(data, { fill: false, tension: 0.2, pointRadius: 2 }) },
          options: Object.assign(base, { scales: { y: { beginAtZero: true } } }) };
      case "deadlines":
        return { type: "bar", plugins: [nowLine],
          data: { labels: data.labels, datasets: [{ data: data.ranges, backgroundColor: data.colours, borderSkipped: false }] },
          options: Object.assign(base, { indexAxis: "y",
            plugins: { legend: { display: false }, breachdeskNowLine: { now: data.now, label: data.now_label },
              tooltip: { callbacks: { label: (item) => data.due[item.dataIndex] } } },
            scales: { x: { beginAtZero: true, suggestedMax: Math.max(data.now + 1, 1), title: { display: true, text: data.x_title } } } }) };
      case "costs": {
        // A log scale keeps ¥500 and ¥49,961 apart whatever the incident's own figures are.
        const top = Math.max(...data.references.map((r) => r.value), ...data.datasets[0].data) * 2;
        return { type: "bar", plugins: [referenceLines], data: { labels: data.labels, datasets: datasets(data) },
          options: Object.assign(base, { plugins: { legend: { display: false }, breachdeskReferenceLines: { references: data.references } },
            scales: { y: { type: "logarithmic", min: 100, max: top, ticks: { callback: (v) => ([100, 1000, 10000, 100000, 1000000, 10000000].includes(v) ? yen(v) : "") } } } }) };
      }
      default:
        return null;
    }
  }

  function draw() {
    if (typeof window.Chart === "undefined") return;
    document.querySelectorAll("canvas[data-chart-data]").forEach((canvas) => {
      const source = document.getElementById(canvas.dataset.chartData);
      if (!source) return;
      const cfg = config(JSON.parse(source.textContent));
      if (cfg) new window.Chart(canvas, cfg);
      canvas.dataset.drawn = "1";
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
