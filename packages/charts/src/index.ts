export { type ScheduleSvgOptions, scheduleSvg } from './schedule-svg.js';
export {
  type AxisScale,
  type ChartPanel,
  type LineChartOptions,
  type LineSeries,
  lineChartSvg,
  type PointMarker,
} from './svg-line-chart.js';
