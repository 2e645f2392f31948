;; Distance kernels for the vector storages, WebAssembly SIMD128. Assembled by scripts/build-kernels.mjs into
;; kernels-wasm.ts; kernels.ts holds plain-TS twins with the same semantics.
;;
;; Pointers are byte offsets into the exported memory. Rows are padded by the storages so no kernel has a tail:
;;   float32: n groups of 4 floats (16 bytes);
;;   int8:    n groups of 16 codes, then the row's f32 scale at byte n × 16; the query is int16 (32 bytes a group);
;;   binary:  n 64-bit words of sign bits.
;; Every kernel comes in three shapes, so JS calls once per batch, not once per vector:
;;   *_pair(a, b, …)                         two stored rows, returns the score;
;;   *_range(q, …, base, stride, n, from, to, out)   rows from … to − 1, scores to out[0 …] (f32);
;;   *_gather(q, …, base, stride, n, idx, count, out) rows idx[0 … count − 1] (u32), scores to out[0 …].
;; Row r starts at base + r × stride.
(module
  (memory (export "memory") 1)

  ;; ---- float32: dot product, four accumulators so the adds do not wait on each other ----
  (func $f32_dot (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (block $done4
      (loop $loop4
        (br_if $done4 (i32.lt_u (local.get $n) (i32.const 4)))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $s1 (f32x4.add (local.get $s1)
          (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
        (local.set $s2 (f32x4.add (local.get $s2)
          (f32x4.mul (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b)))))
        (local.set $s3 (f32x4.add (local.get $s3)
          (f32x4.mul (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
        (br $loop4)))
    (block $done
      (loop $loop
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $loop)))
    (local.set $s0 (f32x4.add (f32x4.add (local.get $s0) (local.get $s1)) (f32x4.add (local.get $s2) (local.get $s3))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
      (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))

  (func (export "f32_pair") (param $a i32) (param $b i32) (param $n i32) (result f32)
    (call $f32_dot (local.get $a) (local.get $b) (local.get $n)))

  (func (export "f32_range") (param $q i32) (param $base i32) (param $stride i32) (param $n i32)
        (param $from i32) (param $to i32) (param $out i32)
    (local $row i32)
    (local.set $row (i32.add (local.get $base) (i32.mul (local.get $from) (local.get $stride))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (f32.store (local.get $out) (call $f32_dot (local.get $q) (local.get $row) (local.get $n)))
        (local.set $row (i32.add (local.get $row) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $loop))))

  (func (export "f32_gather") (param $q i32) (param $base i32) (param $stride i32) (param $n i32)
        (param $idx i32) (param $count i32) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $idx) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $idx) (local.get $end)))
        (f32.store (local.get $out) (call $f32_dot (local.get $q)
          (i32.add (local.get $base) (i32.mul (i32.load (local.get $idx)) (local.get $stride))) (local.get $n)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $loop))))

  ;; ---- int8: the query is sign-extended to int16 once (prepare), so a row group of 16 codes costs two
  ;; extends and two i32x4.dot_i16x8_s (pmaddwd); |code| ≤ 127 keeps every i32 sum far from overflow ----
  (func $i8q_dot (param $q i32) (param $r i32) (param $n i32) (result i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $v v128)
    (block $done2
      (loop $loop2
        (br_if $done2 (i32.lt_u (local.get $n) (i32.const 2)))
        (local.set $v (v128.load (local.get $r)))
        (local.set $s0 (i32x4.add (local.get $s0)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load (local.get $q)))))
        (local.set $s1 (i32x4.add (local.get $s1)
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=16 (local.get $q)))))
        (local.set $v (v128.load offset=16 (local.get $r)))
        (local.set $s2 (i32x4.add (local.get $s2)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load offset=32 (local.get $q)))))
        (local.set $s3 (i32x4.add (local.get $s3)
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=48 (local.get $q)))))
        (local.set $r (i32.add (local.get $r) (i32.const 32)))
        (local.set $q (i32.add (local.get $q) (i32.const 64)))
        (local.set $n (i32.sub (local.get $n) (i32.const 2)))
        (br $loop2)))
    (if (local.get $n)
      (then
        (local.set $v (v128.load (local.get $r)))
        (local.set $s0 (i32x4.add (local.get $s0)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load (local.get $q)))))
        (local.set $s1 (i32x4.add (local.get $s1)
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=16 (local.get $q)))))))
    (local.set $s0 (i32x4.add (i32x4.add (local.get $s0) (local.get $s1)) (i32x4.add (local.get $s2) (local.get $s3))))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $s0)) (i32x4.extract_lane 1 (local.get $s0)))
      (i32.add (i32x4.extract_lane 2 (local.get $s0)) (i32x4.extract_lane 3 (local.get $s0)))))

  ;; Two stored int8 rows: both sides are extended here (pairs are rare: HNSW's neighbour heuristic).
  (func (export "i8_pair") (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $s0 v128) (local $s1 v128) (local $va v128) (local $vb v128) (local $i i32) (local $sum i32)
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $va (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 4)))))
        (local.set $vb (v128.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 4)))))
        (local.set $s0 (i32x4.add (local.get $s0)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $va)) (i16x8.extend_low_i8x16_s (local.get $vb)))))
        (local.set $s1 (i32x4.add (local.get $s1)
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $va)) (i16x8.extend_high_i8x16_s (local.get $vb)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $loop)))
    (local.set $s0 (i32x4.add (local.get $s0) (local.get $s1)))
    (local.set $sum (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $s0)) (i32x4.extract_lane 1 (local.get $s0)))
      (i32.add (i32x4.extract_lane 2 (local.get $s0)) (i32x4.extract_lane 3 (local.get $s0)))))
    (f32.mul
      (f32.mul (f32.convert_i32_s (local.get $sum))
        (f32.load (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 4)))))
      (f32.load (i32.add (local.get $b) (i32.shl (local.get $n) (i32.const 4))))))

  ;; score = dot(codes) × query scale × row scale (the row's scale follows its codes)
  (func (export "i8_range") (param $q i32) (param $qscale f32) (param $base i32) (param $stride i32) (param $n i32)
        (param $from i32) (param $to i32) (param $out i32)
    (local $row i32) (local $scale i32)
    (local.set $row (i32.add (local.get $base) (i32.mul (local.get $from) (local.get $stride))))
    (local.set $scale (i32.shl (local.get $n) (i32.const 4)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (f32.store (local.get $out)
          (f32.mul
            (f32.mul (f32.convert_i32_s (call $i8q_dot (local.get $q) (local.get $row) (local.get $n))) (local.get $qscale))
            (f32.load (i32.add (local.get $row) (local.get $scale)))))
        (local.set $row (i32.add (local.get $row) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $loop))))

  (func (export "i8_gather") (param $q i32) (param $qscale f32) (param $base i32) (param $stride i32) (param $n i32)
        (param $idx i32) (param $count i32) (param $out i32)
    (local $row i32) (local $end i32) (local $scale i32)
    (local.set $end (i32.add (local.get $idx) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $scale (i32.shl (local.get $n) (i32.const 4)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $idx) (local.get $end)))
        (local.set $row (i32.add (local.get $base) (i32.mul (i32.load (local.get $idx)) (local.get $stride))))
        (f32.store (local.get $out)
          (f32.mul
            (f32.mul (f32.convert_i32_s (call $i8q_dot (local.get $q) (local.get $row) (local.get $n))) (local.get $qscale))
            (f32.load (i32.add (local.get $row) (local.get $scale)))))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $loop))))

  ;; ---- binary: Hamming distance over 64-bit words with i64.popcnt (one instruction on x86-64 and arm64,
  ;; cheaper there than i8x16.popcnt plus a horizontal sum); score = dims − 2 × distance ----
  (func $hamming (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $c0 i64) (local $c1 i64)
    (block $done2
      (loop $loop2
        (br_if $done2 (i32.lt_u (local.get $n) (i32.const 2)))
        (local.set $c0 (i64.add (local.get $c0) (i64.popcnt (i64.xor (i64.load (local.get $a)) (i64.load (local.get $b))))))
        (local.set $c1 (i64.add (local.get $c1)
          (i64.popcnt (i64.xor (i64.load offset=8 (local.get $a)) (i64.load offset=8 (local.get $b))))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 2)))
        (br $loop2)))
    (if (local.get $n)
      (then
        (local.set $c0 (i64.add (local.get $c0) (i64.popcnt (i64.xor (i64.load (local.get $a)) (i64.load (local.get $b))))))))
    (i32.wrap_i64 (i64.add (local.get $c0) (local.get $c1))))

  (func (export "bin_pair") (param $a i32) (param $b i32) (param $n i32) (param $dims f32) (result f32)
    (f32.sub (local.get $dims)
      (f32.convert_i32_u (i32.shl (call $hamming (local.get $a) (local.get $b) (local.get $n)) (i32.const 1)))))

  (func (export "bin_range") (param $q i32) (param $dims f32) (param $base i32) (param $stride i32) (param $n i32)
        (param $from i32) (param $to i32) (param $out i32)
    (local $row i32)
    (local.set $row (i32.add (local.get $base) (i32.mul (local.get $from) (local.get $stride))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (f32.store (local.get $out) (f32.sub (local.get $dims)
          (f32.convert_i32_u (i32.shl (call $hamming (local.get $q) (local.get $row) (local.get $n)) (i32.const 1)))))
        (local.set $row (i32.add (local.get $row) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $loop))))

  (func (export "bin_gather") (param $q i32) (param $dims f32) (param $base i32) (param $stride i32) (param $n i32)
        (param $idx i32) (param $count i32) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $idx) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $idx) (local.get $end)))
        (f32.store (local.get $out) (f32.sub (local.get $dims)
          (f32.convert_i32_u (i32.shl (call $hamming (local.get $q)
            (i32.add (local.get $base) (i32.mul (i32.load (local.get $idx)) (local.get $stride))) (local.get $n))
            (i32.const 1)))))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $loop))))
)
