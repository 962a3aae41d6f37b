// The chart itself, drawn by echarts (only the bar and line charts and the components used, on a
// canvas: nothing inline in the page, so the app's CSP holds). A click on a bar segment or a point
// says which bucket and series it was. Names and values are drawn on the canvas, the tooltip as rich
// text: no text from a trace becomes HTML.
import { useEffect, useRef } from 'react';
import { init, use as registerEcharts, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ChartOption } from './chartOption';

registerEcharts([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, CanvasRenderer]);

/** The page's text colours, so the chart follows the light or dark theme. */
function themeColours(el: HTMLElement): { text: string; muted: string } | null {
  const style = getComputedStyle(el);
  const text = style.getPropertyValue('--text').trim();
  const muted = style.getPropertyValue('--muted').trim();
  return text ? { text, muted: muted || text } : null;
}

export function TraceChartView({ option, onSegment }: { option: ChartOption; onSegment: (bucketIndex: number, seriesIndex: number | null) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ECharts | null>(null);
  const onSegmentRef = useRef(onSegment);
  const failedRef = useRef<HTMLParagraphElement>(null);
  // A chart that cannot be drawn says so (set on the element: the chart is drawn outside React too).
  const setFailed = (message: string | null) => {
    const p = failedRef.current;
    if (!p) return;
    p.hidden = message === null;
    p.textContent = message === null ? '' : `The chart could not be drawn (${message}); “Show as a table” holds the same numbers.`;
  };
  useEffect(() => {
    onSegmentRef.current = onSegment;
  });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let chart: ECharts;
    try {
      // No 2D canvas (blocked, or a page without one): the table says the same.
      if (!document.createElement('canvas').getContext('2d')) throw new Error('this window has no canvas to draw on');
      // A container not laid out yet gets a size of its own (it follows the container once it has one).
      chart = init(el, undefined, { renderer: 'canvas', width: el.clientWidth ? undefined : 640, height: el.clientHeight ? undefined : 260 });
    } catch (error) {
      setFailed(error instanceof Error ? error.message : String(error));
      return;
    }
    chartRef.current = chart;
    chart.on('click', (params) => {
      if (params.componentType !== 'series' || typeof params.dataIndex !== 'number') return;
      onSegmentRef.current(params.dataIndex, typeof params.seriesIndex === 'number' ? params.seriesIndex : null);
    });
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => chart.resize({ width: 'auto', height: 'auto' }));
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    const chart = chartRef.current;
    const el = ref.current;
    if (!chart || !el) return;
    try {
      chart.setOption(option as unknown as EChartsCoreOption, { notMerge: true });
      const colours = themeColours(el);
      if (colours) {
        chart.setOption({
          textStyle: { color: colours.text },
          legend: { textStyle: { color: colours.text }, pageTextStyle: { color: colours.muted } },
          xAxis: { axisLabel: { color: colours.muted } },
          yAxis: { axisLabel: { color: colours.muted }, nameTextStyle: { color: colours.muted } },
        });
      }
      setFailed(null);
    } catch (error) {
      setFailed(error instanceof Error ? error.message : String(error));
    }
  }, [option]);

  return (
    <div className="trace-chart-wrap">
      {/* echarts names it (aria-label) from the option's description. */}
      <div ref={ref} className="trace-chart" role="img" aria-label={option.aria.label.description} data-testid="trace-chart" />
      <p ref={failedRef} className="field-error" role="alert" data-testid="trace-chart-failed" hidden />
    </div>
  );
}
