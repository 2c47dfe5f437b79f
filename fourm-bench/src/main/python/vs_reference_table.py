"""The table of bin/fourm-vs-reference: reads the JSON results of one run (the reference's bench_*.py files and fourm's
--json files, round by round) and prints markdown: one row per figure, the medians of every timed repeat of all
rounds pooled, and the ratio. Speed ratios are reference time / fourm time (above 1: fourm is faster); memory ratios
are fourm / reference (below 1: fourm uses less).

usage: python3 vs_reference_table.py WORK_DIR COMMAND
"""
import glob
import json
import os
import re
import sys


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if n == 0:
        return float('nan')
    return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def load_all(work, pattern):
    out = []
    for f in sorted(glob.glob(os.path.join(work, pattern))):
        with open(f) as fh:
            out.append(json.load(fh))
    return out


def read(work, name, default=''):
    p = os.path.join(work, name)
    return open(p).read().strip() if os.path.exists(p) else default


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return 'unknown CPU'


def fmt_s(x):
    if x != x:
        return '-'
    return '%.3f s' % x if x >= 0.1 else '%.1f ms' % (1000 * x)


def row(name, ref, fourm, n_ref, n_fourm, unit=fmt_s, ratio=None):
    r = ratio if ratio is not None else (ref / fourm if fourm > 0 else float('nan'))
    rs = '-' if r != r else '%.2fx' % r
    return '| %s | %s | %s | %s | %d / %d |' % (name, unit(ref), unit(fourm), rs, n_ref, n_fourm)


def main():
    work, command = sys.argv[1], sys.argv[2]
    lines = []
    nproc = os.cpu_count()
    kernels = sorted({j.get('mkl_kernels', 'vendor') for j in load_all(work, 'fourm-*.json')})
    lines.append('Run %s on %s (%d cores), load average (1/5/15 min) %s at the start, %s at the end. '
                 'Reproduce: `%s` (reference: apple/ml-4m on Debian python3-torch with OpenBLAS 0.3.21 OpenMP, '
                 '2 threads; fourm: `bin/fourm` defaults, libtorch\'s MKL choosing its kernels by %s; both with '
                 'OMP_WAIT_POLICY=%s).' % (
                     read(work, 'date'), cpu_model(), nproc, read(work, 'load-start'), read(work, 'load-end'),
                     command, ' and '.join(kernels) or 'vendor', os.environ.get('OMP_WAIT_POLICY', 'PASSIVE')))
    lines.append('')
    lines.append('| figure | reference | fourm | reference / fourm (speed) | timed repeats (ref / fourm) |')
    lines.append('|---|---|---|---|---|')

    rt = load_all(work, 'ref-train-*.json')
    ft = load_all(work, 'fourm-train-*.json')
    notes = []
    if rt and ft:
        for label, rk, fk in (('tiny train step', 'step_s', 'step_seconds'),
                              ('  forward', 'fwd_s', 'forward_seconds'),
                              ('  backward', 'bwd_s', 'backward_seconds'),
                              ('  optimizer', 'opt_s', 'optimizer_seconds')):
            rv = [x for j in rt for x in j[rk]['all']]
            fv = [x for j in ft for x in j[fk]]
            lines.append(row(label, median(rv), median(fv), len(rv), len(fv)))
        rss_r = median([j['ru_maxrss_mib'] * 1024 * 1024 for j in rt])
        rss_f = median([j['peak_rss_bytes'] for j in ft])
        lines.append('| peak resident memory, tiny training | %.2f GB | %.2f GB | %.2fx more memory (fourm / '
                     'reference) | %d / %d runs |' % (rss_r / 1e9, rss_f / 1e9, rss_f / rss_r, len(rt), len(ft)))
        fsteps = [x for j in ft for x in j['step_seconds']]
        flops = median([j['flops_per_step'] for j in ft])
        gemm = median([g for j in ft for g in (j['gemm_gflops_before'], j['gemm_gflops_after'])])
        model = flops / median(fsteps) / 1e9
        ref_flops = median([j['flops']['train_flops'] for j in rt])
        ref_model = ref_flops / median([x for j in rt for x in j['step_s']['all']]) / 1e9
        notes.append('GEMM rate of fourm\'s engine in the same run (2048^3 fp32, median of the measurements taken '
                     'in each training benchmark after its warm-up steps and again after its timed steps): '
                     '%.1f GFLOP/s; fourm\'s training step runs at %.1f model GFLOP/s, %.0f%% of it; the '
                     'reference\'s at %.1f GFLOP/s (its own FLOP count, %.3g per step; fourm counts %.3g).'
                     % (gemm, model, 100 * model / gemm, ref_model, ref_flops, flops))

    ri = load_all(work, 'ref-infer-*.json')
    fi = load_all(work, 'fourm-infer-*.json')
    if ri and fi:
        keys = []
        for j in fi:
            for k in j['tasks']:
                if k not in keys:
                    keys.append(k)
        for k in keys:
            rv = [x for j in ri if k in j['tasks'] for x in j['tasks'][k]['latency_s']['all']]
            fv = [x for j in fi if k in j['tasks'] for x in j['tasks'][k]['seconds']]
            m = re.match(r'(\w+?)_B(\d+)$', k)
            task, b = m.group(1), int(m.group(2))
            label = {'caption32': 'caption, 32 tokens (fourm: key-value cache), per token',
                     'roar1': 'ROAR 1 step, tok_depth', 'maskgit8': 'MaskGIT 8 steps, tok_depth'}.get(task, task)
            scale = 1 / 32.0 if task == 'caption32' else 1.0
            lines.append(row('%s, batch %d' % (label, b), median(rv) * scale, median(fv) * scale, len(rv), len(fv)))
        reruns = sum(j['tasks'][k].get('reruns', 0) for j in fi for k in j['tasks'])
        if reruns:
            notes.append('%d fourm caption generations stopped early (every sample sampled the end token) and were '
                         'repeated with the next seed.' % reruns)

    rg = load_all(work, 'ref-gemm.json')
    if rg:
        g = rg[0]['matmul'].get('threads2', {})
        notes.append('The reference\'s torch.matmul 2048^3 at 2 threads in the same run: %.1f GFLOP/s (median).'
                     % g.get('gflops_median', float('nan')))

    mem = read(work, 'memory.log')
    if mem:
        m = re.search(r'Maximum resident set size \(kbytes\): (\d+)', mem)
        size = int(read(work, 'memory-file-bytes', '0'))
        if m and size:
            peak = int(m.group(1)) * 1024
            lines.append('| peak resident memory, load + one forward of a random 4M-21 B checkpoint (fourm forward) '
                         '| - | %.2f GB (file %.2f GB) | %.2fx the file size | 1 run |'
                         % (peak / 1e9, size / 1e9, peak / size))
    tk = load_all(work, 'tokenizer-*.json')
    tk = [j for j in tk if 'reference' in j]
    if tk:
        batches = []
        for j in tk:
            for b in j['fourm']['encode']:
                if b not in batches:
                    batches.append(b)
        for what in ('encode', 'decode'):
            for b in sorted(batches, key=int):
                rv = [x for j in tk if b in j['reference'][what] for x in j['reference'][what][b]]
                fv = [x for j in tk if b in j['fourm'][what] for x in j['fourm'][what][b]]
                lines.append(row('VQ-VAE %s, batch %s' % (what, b), median(rv), median(fv), len(rv), len(fv)))
        m = tk[0]['model']
        agree = ', '.join('batch %s: %s' % (b, ' / '.join('%.4f' % j['token_agreement'][b] for j in tk
                                                          if b in j.get('token_agreement', {})))
                          for b in sorted(batches, key=int))
        notes.append('VQ-VAE image tokenizer: the reference\'s own VQVAE (%s / %s, %d px, patch %d, %d channel(s), '
                     '%d codes of dimension %d, lucid, post-MLP; %.1fM parameters) with seeded random weights, saved '
                     'in its directory layout and loaded by fourm; both sides encode the same seeded input batch and '
                     'decode the reference\'s token ids. Token ids equal to the reference\'s, per round: %s.'
                     % (m['enc_type'], m['dec_type'], m['image_size'], m['patch_size'], m['n_channels'],
                        m['codebook_size'], m['latent_dim'], tk[0]['parameters'] / 1e6, agree))
    else:
        lines.append('')
        lines.append('Image tokenizer encode/decode: not measured in this run (`--only ...,tokenizer` adds it).')
    for n in notes:
        lines.append('')
        lines.append(n)
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
