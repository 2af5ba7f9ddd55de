;; Float32 scaling kernels of the fusion engine, in WebAssembly SIMD.
;; Each computes, per value, the same float64 operations in the same order as
;; the JavaScript engine, and rounds once to float32 on store:
;;   scale_run: dst[i] = f32((f64(src[i]) * t) * p)        (OIHW rows: t, p per row)
;;   scale_vec: dst[i] = f32((f64(src[i]) * tv[i]) * pv[i]) (HWIO runs: t, p per output channel)
;;   scale_vec64: dst[i] = (src[i] * tv[i]) * pv[i], all float64 (HWIO runs of dequantized kernels)
;;   scale_vec_wide: dst[i] = (f64(src[i]) * tv[i]) * pv[i], float32 in, float64 out (kept unrounded to re-quantize)
;;   pair_vec: dst[i] = ((f64(a[i]) * ta[i]) + (f64(b[i]) * tb[i])) * pv[i], float32 in, stored as float32
;;     (rounded once) or float64 (`wide`): HWIO's shared position, a 3x3 value plus the 1x1's
;;   lattice_pair: dst[start + i step] = f32(((f64(src[start + i step]) * t) + (f64(b[i]) * tb)) * p), i in [0, nb):
;;     OIHW's shared positions of a row (a 3x3 value plus RepVGG's 1x1), after scale_run wrote the row
;; Promotion f32 -> f64 is exact and both multiplications round to nearest
;; even in IEEE 754, in JavaScript as here: the same bits. The caller copies
;; values in and out of this module's memory (src, dst: float32; tv, pv: float64).
;; Each returns 1 when every value it stored is finite, else 0: the sum of
;; stored * 0 is 0 exactly when no stored value is infinite or NaN.
(module
  (memory (export "memory") 12)

  (func (export "scale_run") (param $src i32) (param $dst i32) (param $n i32) (param $t f64) (param $p f64) (result i32)
    (local $end i32) (local $v v128) (local $tt v128) (local $pp v128) (local $out v128) (local $acc v128)
    (local.set $tt (f64x2.splat (local.get $t)))
    (local.set $pp (f64x2.splat (local.get $p)))
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $simd_done
      (loop $simd
        (br_if $simd_done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (v128.store (local.get $dst) (local.tee $out
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero
              (f64x2.mul (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $tt)) (local.get $pp)))
            (f32x4.demote_f64x2_zero
              (f64x2.mul
                (f64x2.mul
                  (f64x2.promote_low_f32x4
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                  (local.get $tt))
                (local.get $pp))))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $out) (v128.const f32x4 0 0 0 0))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $simd)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (f32x4.splat
          (f32.demote_f64 (f64.mul (f64.mul (f64.promote_f32 (f32.load (local.get $src))) (local.get $t)) (local.get $p)))))
        (f32.store (local.get $dst) (f32x4.extract_lane 0 (local.get $v)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (v128.const f32x4 0 0 0 0))))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $tail)))
    (i32x4.all_true (f32x4.eq (local.get $acc) (v128.const f32x4 0 0 0 0))))

  (func (export "scale_vec") (param $src i32) (param $dst i32) (param $n i32) (param $tv i32) (param $pv i32) (result i32)
    (local $end i32) (local $v v128) (local $out v128) (local $acc v128)
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $simd_done
      (loop $simd
        (br_if $simd_done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (v128.store (local.get $dst) (local.tee $out
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero
              (f64x2.mul
                (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (v128.load (local.get $tv)))
                (v128.load (local.get $pv))))
            (f32x4.demote_f64x2_zero
              (f64x2.mul
                (f64x2.mul
                  (f64x2.promote_low_f32x4
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                  (v128.load offset=16 (local.get $tv)))
                (v128.load offset=16 (local.get $pv)))))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $out) (v128.const f32x4 0 0 0 0))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $tv (i32.add (local.get $tv) (i32.const 32)))
        (local.set $pv (i32.add (local.get $pv) (i32.const 32)))
        (br $simd)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (f32x4.splat
          (f32.demote_f64
            (f64.mul
              (f64.mul (f64.promote_f32 (f32.load (local.get $src))) (f64.load (local.get $tv)))
              (f64.load (local.get $pv))))))
        (f32.store (local.get $dst) (f32x4.extract_lane 0 (local.get $v)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (v128.const f32x4 0 0 0 0))))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $tv (i32.add (local.get $tv) (i32.const 8)))
        (local.set $pv (i32.add (local.get $pv) (i32.const 8)))
        (br $tail)))
    (i32x4.all_true (f32x4.eq (local.get $acc) (v128.const f32x4 0 0 0 0))))
  (func (export "scale_vec64") (param $src i32) (param $dst i32) (param $n i32) (param $tv i32) (param $pv i32) (result i32)
    (local $end i32) (local $out v128) (local $acc v128) (local $tail f64)
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $simd_done
      (loop $simd
        (br_if $simd_done (i32.ge_u (local.get $src) (local.get $end)))
        (v128.store (local.get $dst) (local.tee $out
          (f64x2.mul
            (f64x2.mul (v128.load (local.get $src)) (v128.load (local.get $tv)))
            (v128.load (local.get $pv)))))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $out) (v128.const f64x2 0 0))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $tv (i32.add (local.get $tv) (i32.const 16)))
        (local.set $pv (i32.add (local.get $pv) (i32.const 16)))
        (br $simd)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $tail
          (f64.mul (f64.mul (f64.load (local.get $src)) (f64.load (local.get $tv))) (f64.load (local.get $pv))))
        (f64.store (local.get $dst) (local.get $tail))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.splat (f64.mul (local.get $tail) (f64.const 0)))))))
    (i64x2.all_true (f64x2.eq (local.get $acc) (v128.const f64x2 0 0))))
  (func (export "scale_vec_wide") (param $src i32) (param $dst i32) (param $n i32) (param $tv i32) (param $pv i32) (result i32)
    (local $end i32) (local $out v128) (local $acc v128) (local $tail f64)
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 2))))
    (block $simd_done
      (loop $simd
        (br_if $simd_done (i32.ge_u (local.get $src) (local.get $end)))
        (v128.store (local.get $dst) (local.tee $out
          (f64x2.mul
            (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $src))) (v128.load (local.get $tv)))
            (v128.load (local.get $pv)))))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $out) (v128.const f64x2 0 0))))
        (local.set $src (i32.add (local.get $src) (i32.const 8)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $tv (i32.add (local.get $tv) (i32.const 16)))
        (local.set $pv (i32.add (local.get $pv) (i32.const 16)))
        (br $simd)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $tail
          (f64.mul
            (f64.mul (f64.promote_f32 (f32.load (local.get $src))) (f64.load (local.get $tv)))
            (f64.load (local.get $pv))))
        (f64.store (local.get $dst) (local.get $tail))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.splat (f64.mul (local.get $tail) (f64.const 0)))))))
    (i64x2.all_true (f64x2.eq (local.get $acc) (v128.const f64x2 0 0))))
  (func (export "pair_vec") (param $a i32) (param $b i32) (param $dst i32) (param $n i32)
    (param $ta i32) (param $tb i32) (param $pv i32) (param $wide i32) (result i32)
    (local $i i32) (local $v v128) (local $acc v128) (local $x f64)
    (block $simd_done
      (loop $simd
        (br_if $simd_done (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
        (local.set $v
          (f64x2.mul
            (f64x2.add
              (f64x2.mul
                (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))))
                (v128.load (i32.add (local.get $ta) (i32.shl (local.get $i) (i32.const 3)))))
              (f64x2.mul
                (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))
                (v128.load (i32.add (local.get $tb) (i32.shl (local.get $i) (i32.const 3))))))
            (v128.load (i32.add (local.get $pv) (i32.shl (local.get $i) (i32.const 3))))))
        (if (local.get $wide)
          (then
            (v128.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 3))) (local.get $v))
            (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $v) (v128.const f64x2 0 0)))))
          (else
            (local.set $v (f32x4.demote_f64x2_zero (local.get $v)))
            (v128.store64_lane 0 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2))) (local.get $v))
            ;; the two stored float32 (the upper two lanes are zeros), widened: non-finite stays non-finite
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (v128.const f64x2 0 0))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $simd)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $x
          (f64.mul
            (f64.add
              (f64.mul
                (f64.promote_f32 (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))))
                (f64.load (i32.add (local.get $ta) (i32.shl (local.get $i) (i32.const 3)))))
              (f64.mul
                (f64.promote_f32 (f32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))
                (f64.load (i32.add (local.get $tb) (i32.shl (local.get $i) (i32.const 3))))))
            (f64.load (i32.add (local.get $pv) (i32.shl (local.get $i) (i32.const 3))))))
        (if (local.get $wide)
          (then (f64.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 3))) (local.get $x)))
          (else
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2))) (f32.demote_f64 (local.get $x)))
            (local.set $x (f64.promote_f32 (f32.demote_f64 (local.get $x))))))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.splat (f64.mul (local.get $x) (f64.const 0)))))))
    (i64x2.all_true (f64x2.eq (local.get $acc) (v128.const f64x2 0 0))))
  (func (export "lattice_pair") (param $src i32) (param $dst i32) (param $b i32) (param $nb i32)
    (param $t f64) (param $tb f64) (param $p f64) (param $start i32) (param $step i32) (result i32)
    (local $i i32) (local $q i32) (local $x f32) (local $acc f32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $nb)))
        (local.set $q (i32.shl (i32.add (local.get $start) (i32.mul (local.get $i) (local.get $step))) (i32.const 2)))
        (local.set $x
          (f32.demote_f64
            (f64.mul
              (f64.add
                (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $src) (local.get $q)))) (local.get $t))
                (f64.mul
                  (f64.promote_f32 (f32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))
                  (local.get $tb)))
              (local.get $p))))
        (f32.store (i32.add (local.get $dst) (local.get $q)) (local.get $x))
        (local.set $acc (f32.add (local.get $acc) (f32.mul (local.get $x) (f32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (f32.eq (local.get $acc) (f32.const 0))))
