/** Registers the sankey chart; loaded only by the paths insight, so other views never pay for it. */
import { SankeyChart } from 'echarts/charts';
import { use } from 'echarts/core';

use([SankeyChart]);

export const sankeyReady = true;
