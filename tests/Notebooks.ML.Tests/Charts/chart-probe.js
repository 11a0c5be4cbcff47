// What plotly.js really drew, read from the DOM once every chart on the page has been drawn, and written as JSON
// into the page's "marks" element for the test to read. Per chart: whether Plotly finished, and per trace the marks it drew
// (SVG points, line paths, bars, boxes, violins, heatmap images, cell labels; for WebGL traces the coloured pixels
// the trace alone puts on the canvas). Per chart also: text that collides with other text (axis titles on tick
// labels, notes on titles …), text cut off by the chart's edges, paths with NaN in them, and the plot area's size.
(function () {
  'use strict';
  var pending = [];

  window.drawChart = function (id, figure) {
    var div = document.getElementById('chart-' + id);
    pending.push(Plotly.newPlot(div, figure.data, figure.layout, figure.config).then(function () {
      div.setAttribute('data-drawn', 'yes');
    }, function (error) {
      window.chartErrors.push(id + ': ' + error);
      window.reportErrors();
    }));
  };

  function settle(promise) {
    return promise.then(function () { return true; }, function () { return true; });
  }

  function rect(element) {
    var r = element.getBoundingClientRect();
    return { l: r.left, t: r.top, r: r.right, b: r.bottom };
  }

  function overlap(a, b) {
    var w = Math.min(a.r, b.r) - Math.max(a.l, b.l);
    var h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
    return w > 0 && h > 0 ? w * h : 0;
  }

  function shown(element) {
    for (var e = element; e && e.nodeType === 1; e = e.parentNode) {
      var style = window.getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') {
        return false;
      }
    }
    return true;
  }

  function hasPath(path) {
    var d = path.getAttribute('d') || '';
    return d.length > 2 && d !== 'M0,0Z';
  }

  function size(element) {
    var box = element.getBBox();
    return { w: box.width, h: box.height };
  }

  /** The coloured pixels on the chart's WebGL canvas: grid lines are grey, marks are not. */
  function glPixels(gd) {
    var canvas = gd.querySelector('canvas.gl-canvas-context');
    if (!canvas || !canvas.width || !canvas.height) {
      return 0;
    }
    var copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    var context = copy.getContext('2d');
    context.drawImage(canvas, 0, 0);
    var data = context.getImageData(0, 0, copy.width, copy.height).data;
    var count = 0;
    for (var i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 10) {
        count++;
      }
    }
    return count;
  }

  function isGl(trace) {
    return trace.type === 'scattergl' || trace.type === 'splom';
  }

  function svgMarks(gd, traces, result) {
    gd.querySelectorAll('.cartesianlayer g').forEach(function (group) {
      var data = group.__data__;
      var isTraceGroup = group.classList.contains('trace') || group.getAttribute('class') === 'hm';
      if (!isTraceGroup || !Array.isArray(data) || !data[0] || !data[0].trace) {
        return;
      }
      var trace = traces[data[0].trace.index];
      if (!trace) {
        return;
      }
      group.querySelectorAll('path.point').forEach(function (p) { if (hasPath(p)) { trace.points++; } });
      group.querySelectorAll('path.js-line').forEach(function (p) { var s = size(p); if (hasPath(p) && s.w + s.h > 0) { trace.lines++; } });
      if (group.classList.contains('bars')) {
        group.querySelectorAll('g.point > path').forEach(function (p) { var s = size(p); if (hasPath(p) && s.w > 0 && s.h > 0) { trace.bars++; } });
      }
      group.querySelectorAll('path.box').forEach(function (p) { if (hasPath(p)) { trace.boxes++; } });
      group.querySelectorAll('path.violin').forEach(function (p) { if (hasPath(p)) { trace.violins++; } });
      group.querySelectorAll('image').forEach(function (i) { if (Number(i.getAttribute('width')) > 0 && Number(i.getAttribute('height')) > 0) { trace.images++; } });
      group.querySelectorAll('text').forEach(function (t) {
        if ((t.textContent || '').trim() !== '' && shown(t)) {
          trace.texts++;
          if (parseFloat(window.getComputedStyle(t).fontSize) < 8) {
            result.tinyTexts++; // Plotly shrinks cell labels to fit their cells, past the point of reading them.
          }
        }
      });
      group.querySelectorAll('path').forEach(function (p) { if ((p.getAttribute('d') || '').indexOf('NaN') >= 0) { result.nanPaths++; } });
    });
  }

  /** Text the reader must be able to read: titles, tick labels, notes, colour bar and legend. */
  function texts(gd) {
    var items = [];
    function add(element, role) {
      var text = (element.textContent || '').trim();
      if (text === '' || !shown(element)) {
        return;
      }
      var r = rect(element);
      if (r.r - r.l < 0.5 || r.b - r.t < 0.5) {
        return;
      }
      var transform = element.getAttribute('transform') || '';
      items.push({ role: role, text: text, box: r, rotated: /rotate\((?!0[,)])/.test(transform) });
    }
    gd.querySelectorAll('.infolayer g[class^="g-"][class$="title"] text').forEach(function (t) {
      add(t, t.parentNode.getAttribute('class').replace(/^g-/, ''));
    });
    gd.querySelectorAll('g[class$="tick"] > text').forEach(function (t) { add(t, t.parentNode.getAttribute('class')); });
    gd.querySelectorAll('g.annotation').forEach(function (a) { add(a, 'note'); });
    gd.querySelectorAll('g.colorbar .cbtitle text, g.colorbar text.cbtitle').forEach(function (t) { add(t, 'colorbar-title'); });
    gd.querySelectorAll('g.legend text.legendtext, g.legend text.legendtitletext').forEach(function (t) { add(t, 'legend'); });
    return items;
  }

  function layoutChecks(gd, result) {
    var svg = gd.querySelector('svg.main-svg');
    var bounds = rect(svg);
    var items = texts(gd);
    items.forEach(function (item) {
      var b = item.box;
      if (item.role !== 'legend' && (b.l < bounds.l - 1 || b.t < bounds.t - 1 || b.r > bounds.r + 1 || b.b > bounds.b + 1)) {
        result.clipped.push(item.role + " '" + item.text + "'");
      }
    });
    for (var i = 0; i < items.length; i++) {
      for (var j = i + 1; j < items.length; j++) {
        var a = items[i], b = items[j];
        if (a.role === 'legend' && b.role === 'legend') {
          continue; // Plotly lays out its own legend entries.
        }
        if (a.role === b.role && (a.rotated || b.rotated)) {
          continue; // The boxes of rotated neighbours overlap even when their letters do not.
        }
        var shared = overlap(a.box, b.box);
        var smaller = Math.min((a.box.r - a.box.l) * (a.box.b - a.box.t), (b.box.r - b.box.l) * (b.box.b - b.box.t));
        if (shared > 2 && shared > 0.2 * smaller) {
          result.overlaps.push(a.role + " '" + a.text + "' × " + b.role + " '" + b.text + "'");
        }
      }
    }
    // An axis title belongs beyond all of its axis's tick labels: below an x axis's, left of a y axis's.
    items.forEach(function (title) {
      var axis = /^([xy]\d*)title$/.exec(title.role);
      if (!axis) {
        return;
      }
      items.forEach(function (tick) {
        if (tick.role !== axis[1] + 'tick') {
          return;
        }
        var level = axis[1][0] === 'x' ? title.box.t < tick.box.b - 1 : title.box.r > tick.box.l + 1;
        if (level) {
          result.overlaps.push(title.role + " '" + title.text + "' is level with its tick label '" + tick.text + "'");
        }
      });
    });
    var plotSize = gd._fullLayout._size;
    result.plotWidth = Math.round(plotSize.w);
    result.plotHeight = Math.round(plotSize.h);
    result.width = Math.round(bounds.r - bounds.l);
    result.height = Math.round(bounds.b - bounds.t);
  }

  async function probe(gd) {
    var result = {
      id: gd.id.slice('chart-'.length), drawn: gd.getAttribute('data-drawn') === 'yes', traces: [], nanPaths: 0, tinyTexts: 0,
      overlaps: [], clipped: [], plotWidth: 0, plotHeight: 0, width: 0, height: 0,
    };
    if (!result.drawn || !gd._fullData) {
      return result;
    }
    var traces = gd._fullData.map(function (t) {
      return {
        index: t.index, type: t.type, name: t.name || '', visible: t.visible === true,
        points: 0, lines: 0, bars: 0, boxes: 0, violins: 0, images: 0, texts: 0, pixels: 0,
      };
    });
    svgMarks(gd, traces, result);
    layoutChecks(gd, result);
    var gl = gd._fullData.filter(function (t) { return t.visible === true && isGl(t); });
    if (gl.length === 1) {
      traces[gl[0].index].pixels = glPixels(gd);
    } else if (gl.length > 1) {
      // The traces share one canvas: draw each alone to count its own pixels, then put the chart back as it was.
      var original = gd.data.map(function (t) { return t.visible === undefined ? true : t.visible; });
      for (var k = 0; k < gl.length; k++) {
        var visible = gd.data.map(function (t, i) { return isGl(gd._fullData[i]) ? i === gl[k].index : original[i]; });
        await Plotly.restyle(gd, { visible: visible });
        traces[gl[k].index].pixels = glPixels(gd);
      }
      await Plotly.restyle(gd, { visible: original });
    }
    result.traces = traces;
    return result;
  }

  window.addEventListener('load', async function () {
    var out = document.getElementById('marks');
    try {
      await Promise.all(pending.map(settle));
      var results = [];
      var charts = document.querySelectorAll('div.chart');
      for (var i = 0; i < charts.length; i++) {
        results.push(await probe(charts[i]));
      }
      out.textContent = JSON.stringify(results);
    } catch (error) {
      out.textContent = 'probe failed: ' + error + '\n' + (error && error.stack);
    }
  });
})();
