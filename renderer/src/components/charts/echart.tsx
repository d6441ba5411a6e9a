// One ECharts chart in a React tree: created on mount, given each new option whole, resized with its box, disposed
// on unmount; follows the console's light or dark theme. Only the parts of ECharts the console uses are bundled.
import { useEffect, useRef } from 'react';
import { theme } from 'antd';
import * as echarts from 'echarts/core';
import { BarChart, CustomChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ToolboxComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

echarts.use([
  BarChart,
  CustomChart,
  LineChart,
  ScatterChart,
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ToolboxComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type ChartOption = EChartsCoreOption;

export interface EChartProps {
  option: ChartOption;
  height: number;
  testId: string;
  /** What the chart shows, for screen readers (ECharts adds its own description of the series). */
  label: string;
  onClick?: (params: { dataIndex: number; seriesIndex?: number }) => void;
}

export function EChart({ option, height, testId, label, onClick }: EChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const { token } = theme.useToken();
  const dark = token.colorBgBase !== '#fff' && token.colorBgBase.toLowerCase() !== '#ffffff';
  const clickRef = useRef(onClick);
  useEffect(() => {
    clickRef.current = onClick;
  });

  useEffect(() => {
    const element = ref.current!;
    const created = echarts.init(element, dark ? 'dark' : undefined, { renderer: 'canvas' });
    created.on('click', (params) => clickRef.current?.(params as { dataIndex: number; seriesIndex?: number }));
    chart.current = created;
    const observer = new ResizeObserver(() => created.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      created.dispose();
      chart.current = null;
    };
  }, [dark]);

  useEffect(() => {
    chart.current?.setOption(
      {
        backgroundColor: 'transparent',
        aria: { enabled: true, label: { description: label } },
        textStyle: { fontFamily: token.fontFamily },
        ...option,
      },
      { notMerge: true },
    );
  }, [option, dark, label, token.fontFamily]);

  return <div ref={ref} data-testid={testId} role="img" aria-label={label} style={{ width: '100%', height }} />;
}

/** The toolbox every chart has: save as PNG (named after the chart) and, where it zooms, reset the zoom. */
export function chartToolbox(name: string, labels: { save: string; reset: string }, zoom: boolean): object {
  return {
    right: 8,
    feature: {
      ...(zoom ? { restore: { title: labels.reset } } : {}),
      saveAsImage: { title: labels.save, name, pixelRatio: 2 },
    },
  };
}
