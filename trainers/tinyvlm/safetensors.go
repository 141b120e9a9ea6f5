package tinyvlm

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
)

// Tensor is a named float32 array in row-major order, as stored in
// model.safetensors.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// Size is the number of elements its shape holds.
func shapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// safetensors layout (https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length N, N bytes of JSON mapping each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the
// end of the header) plus an optional "__metadata__" map of strings, then the
// tensor bytes. We write F32 only, tensors sorted by name and packed without
// gaps, and pad the header with spaces to a multiple of 8 bytes as the
// reference implementation does.

type stEntry struct {
	DType   string `json:"dtype"`
	Shape   []int  `json:"shape"`
	Offsets [2]int `json:"data_offsets"`
}

// maxHeader bounds the JSON header so a corrupt length cannot make us
// allocate gigabytes (the reference implementation uses 100 MB).
const maxHeader = 100 << 20

// WriteSafetensors writes tensors (any order; stored sorted by name) with
// string metadata.
func WriteSafetensors(path string, tensors []Tensor, metadata map[string]string) error {
	ts := append([]Tensor(nil), tensors...)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
	header := map[string]any{}
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	off := 0
	for _, t := range ts {
		if t.Name == "" || t.Name == "__metadata__" {
			return fmt.Errorf("write %s: bad tensor name %q", path, t.Name)
		}
		if _, dup := header[t.Name]; dup {
			return fmt.Errorf("write %s: tensor %s given twice", path, t.Name)
		}
		if shapeSize(t.Shape) != len(t.Data) {
			return fmt.Errorf("write %s: tensor %s has shape %v but %d values", path, t.Name, t.Shape, len(t.Data))
		}
		n := 4 * len(t.Data)
		header[t.Name] = stEntry{DType: "F32", Shape: nonNil(t.Shape), Offsets: [2]int{off, off + n}}
		off += n
	}
	hj, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	for len(hj)%8 != 0 {
		hj = append(hj, ' ')
	}
	var buf bytes.Buffer
	buf.Grow(8 + len(hj) + off)
	binary.Write(&buf, binary.LittleEndian, uint64(len(hj)))
	buf.Write(hj)
	b4 := make([]byte, 4)
	for _, t := range ts {
		for _, v := range t.Data {
			binary.LittleEndian.PutUint32(b4, math.Float32bits(v))
			buf.Write(b4)
		}
	}
	return writeFileAtomic(path, buf.Bytes())
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

// ReadSafetensors reads a safetensors file of F32 tensors, checking the
// header strictly: a length that does not fit the file, JSON that does not
// parse, an unknown dtype, a shape that does not match its byte range, or
// ranges that overlap or leave gaps are refused with the file's name.
func ReadSafetensors(path string) ([]Tensor, map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: not a valid safetensors file: %s", path, fmt.Sprintf(format, args...))
	}
	var hlen uint64
	if err := binary.Read(f, binary.LittleEndian, &hlen); err != nil {
		return nil, nil, bad("file is %d bytes, shorter than the 8-byte header length", st.Size())
	}
	if hlen == 0 || hlen > maxHeader || int64(hlen) > st.Size()-8 {
		return nil, nil, bad("header length %d does not fit a %d-byte file", hlen, st.Size())
	}
	hj := make([]byte, hlen)
	if _, err := io.ReadFull(f, hj); err != nil {
		return nil, nil, bad("header: %v", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hj, &raw); err != nil {
		return nil, nil, bad("header is not a JSON object: %v", err)
	}
	var meta map[string]string
	type named struct {
		name string
		e    stEntry
	}
	var entries []named
	for k, v := range raw {
		if k == "__metadata__" {
			if err := json.Unmarshal(v, &meta); err != nil {
				return nil, nil, bad("__metadata__ must map strings to strings: %v", err)
			}
			continue
		}
		var e stEntry
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, nil, bad("tensor %s: %v", k, err)
		}
		entries = append(entries, named{k, e})
	}
	dataLen := st.Size() - 8 - int64(hlen)
	sort.Slice(entries, func(i, j int) bool { return entries[i].e.Offsets[0] < entries[j].e.Offsets[0] })
	pos := 0
	for _, ne := range entries {
		e := ne.e
		if e.DType != "F32" {
			return nil, nil, bad("tensor %s has dtype %q; tinyvlm stores F32 only", ne.name, e.DType)
		}
		for _, d := range e.Shape {
			if d < 0 {
				return nil, nil, bad("tensor %s has a negative dimension in %v", ne.name, e.Shape)
			}
		}
		if e.Offsets[0] != pos || e.Offsets[1] < e.Offsets[0] {
			return nil, nil, bad("tensor %s occupies bytes %v; tensors must be packed without gaps or overlaps", ne.name, e.Offsets)
		}
		if n := e.Offsets[1] - e.Offsets[0]; int64(shapeSize(e.Shape))*4 != int64(n) {
			return nil, nil, bad("tensor %s: shape %v needs %d bytes, its range holds %d", ne.name, e.Shape, shapeSize(e.Shape)*4, n)
		}
		pos = e.Offsets[1]
	}
	if int64(pos) != dataLen {
		return nil, nil, bad("tensors cover %d bytes but the file holds %d after the header (truncated or padded?)", pos, dataLen)
	}
	data := make([]byte, dataLen)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, nil, bad("data: %v", err)
	}
	out := make([]Tensor, 0, len(entries))
	for _, ne := range entries {
		b := data[ne.e.Offsets[0]:ne.e.Offsets[1]]
		vals := make([]float32, len(b)/4)
		for i := range vals {
			vals[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		out = append(out, Tensor{Name: ne.name, Shape: append([]int{}, ne.e.Shape...), Data: vals})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, meta, nil
}

// writeFileAtomic writes through a temporary file and a rename, so a
// reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
