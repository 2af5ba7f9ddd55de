;; Affine quantization kernels (see numeric/quantize-affine.ts), in WebAssembly SIMD.
;; Values are float64, in this module's memory; the caller copies them in a chunk at a time.
;;   extent: lo = pmin over values, hi = pmax (JavaScript's `if (v < lo) lo = v`, per lane,
;;     lanes combined the same way), written as two float64 at `out`.
;;   quantize_fresh: per value v, k = trunc((v - min) / scale + HALF_DOWN) stored as a uint8
;;     (width 1) or little-endian uint16 (width 2), and the largest |f32(k scale + min) - v|
;;     returned (pmax: JavaScript's `if (e > m) m = e`), the float64 operations of the
;;     JavaScript loop in its order.
;;   dequantize: dst[i] = f32(f64(q[i]) * scale + min) for uint8 (width 1) or uint16 (width 2)
;;     integers, as TF.js dequantizes (and JavaScript's `q * scale + min` stored into a Float32Array).
(module
  (memory (export "memory") 8)

  (func (export "extent") (param $src i32) (param $n i32) (param $out i32)
    (local $end i32) (local $lo v128) (local $hi v128) (local $v v128) (local $a f64) (local $b f64)
    (local.set $lo (f64x2.splat (f64.const inf)))
    (local.set $hi (f64x2.splat (f64.const -inf)))
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (local.set $lo (f64x2.pmin (local.get $lo) (local.get $v)))
        (local.set $hi (f64x2.pmax (local.get $hi) (local.get $v)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $l)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $v (f64x2.splat (f64.load (local.get $src))))
        (local.set $lo (f64x2.pmin (local.get $lo) (local.get $v)))
        (local.set $hi (f64x2.pmax (local.get $hi) (local.get $v)))))
    ;; lane 0 then lane 1, as later values are compared with the earlier result
    (local.set $a (f64x2.extract_lane 0 (local.get $lo)))
    (local.set $b (f64x2.extract_lane 1 (local.get $lo)))
    (f64.store (local.get $out) (select (local.get $b) (local.get $a) (f64.lt (local.get $b) (local.get $a))))
    (local.set $a (f64x2.extract_lane 0 (local.get $hi)))
    (local.set $b (f64x2.extract_lane 1 (local.get $hi)))
    (f64.store offset=8 (local.get $out) (select (local.get $b) (local.get $a) (f64.gt (local.get $b) (local.get $a)))))

  (func (export "quantize_fresh") (param $src i32) (param $dst i32) (param $n i32) (param $min f64) (param $scale f64) (param $width i32) (result f64)
    (local $end i32) (local $v v128) (local $k v128) (local $e v128) (local $m v128)
    (local $mm v128) (local $ss v128) (local $half v128) (local $a f64) (local $b f64)
    (local.set $mm (f64x2.splat (local.get $min)))
    (local.set $ss (f64x2.splat (local.get $scale)))
    (local.set $half (f64x2.splat (f64.const 0x1.fffffffffffffp-2)))
    (local.set $m (f64x2.splat (f64.const 0)))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (local.set $k (i32x4.trunc_sat_f64x2_s_zero
          (f64x2.add (f64x2.div (f64x2.sub (local.get $v) (local.get $mm)) (local.get $ss)) (local.get $half))))
        (local.set $e (f64x2.abs (f64x2.sub
          (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
            (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $k)) (local.get $ss)) (local.get $mm))))
          (local.get $v))))
        (local.set $m (f64x2.pmax (local.get $m) (local.get $e)))
        (if (i32.eq (local.get $width) (i32.const 1))
          (then
            (i32.store8 (local.get $dst) (i32x4.extract_lane 0 (local.get $k)))
            (i32.store8 offset=1 (local.get $dst) (i32x4.extract_lane 1 (local.get $k)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 2))))
          (else
            (i32.store16 (local.get $dst) (i32x4.extract_lane 0 (local.get $k)))
            (i32.store16 offset=2 (local.get $dst) (i32x4.extract_lane 1 (local.get $k)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $l)))
    ;; an odd n: the caller pads the chunk with one copy of its last value (the same k, the same error)
    (local.set $a (f64x2.extract_lane 0 (local.get $m)))
    (local.set $b (f64x2.extract_lane 1 (local.get $m)))
    (select (local.get $b) (local.get $a) (f64.gt (local.get $b) (local.get $a))))
  (func (export "dequantize") (param $src i32) (param $dst i32) (param $n i32) (param $min f64) (param $scale f64) (param $width i32)
    (local $end i32) (local $k v128) (local $mm v128) (local $ss v128) (local $lo v128) (local $hi v128)
    (local.set $mm (f64x2.splat (local.get $min)))
    (local.set $ss (f64x2.splat (local.get $scale)))
    ;; four values at a time (the caller pads a chunk to a multiple of four)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (if (i32.eq (local.get $width) (i32.const 1))
          (then
            (local.set $k (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $src)))))
            (local.set $src (i32.add (local.get $src) (i32.const 4))))
          (else
            (local.set $k (i32x4.extend_low_i16x8_u (v128.load64_zero (local.get $src))))
            (local.set $src (i32.add (local.get $src) (i32.const 8)))))
        (local.set $lo (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $k)) (local.get $ss)) (local.get $mm)))
        (local.set $hi (f64x2.add
          (f64x2.mul
            (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $k) (local.get $k)))
            (local.get $ss))
          (local.get $mm)))
        (v128.store (local.get $dst)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $lo))
            (f32x4.demote_f64x2_zero (local.get $hi))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $l)))))
