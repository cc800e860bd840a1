//! Chunk planning (pure): direct upload or consecutive fixed-size byte ranges.

/// How one file travels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// One `POST /upload` request.
    Direct,
    /// `POST /upload-chunk` per range; range *i* is bytes `[start, end)` of the file.
    Chunked(Vec<ChunkRange>),
}

/// Bytes `[start, end)` of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkRange {
    pub index: u32,
    pub start: u64,
    pub end: u64,
}

impl ChunkRange {
    /// Length in bytes.
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    /// True for an empty range (never produced by `plan`).
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// Files up to `threshold` bytes go direct; larger ones in `chunk_size` ranges (last shorter).
pub fn plan(file_size: u64, threshold: u64, chunk_size: u64) -> Plan {
    if file_size <= threshold {
        return Plan::Direct;
    }
    let chunk_size = chunk_size.max(1);
    let count = file_size.div_ceil(chunk_size);
    let ranges = (0..count)
        .map(|i| ChunkRange { index: i as u32, start: i * chunk_size, end: ((i + 1) * chunk_size).min(file_size) })
        .collect();
    Plan::Chunked(ranges)
}

/// Sum of the given ranges' lengths.
pub fn bytes_of<'a>(ranges: impl IntoIterator<Item = &'a ChunkRange>) -> u64 {
    ranges.into_iter().map(ChunkRange::len).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;
    const THRESHOLD: u64 = 100 * MIB;
    const CHUNK: u64 = 50 * MIB;

    fn sizes(plan: &Plan) -> Vec<u64> {
        match plan {
            Plan::Direct => vec![],
            Plan::Chunked(ranges) => ranges.iter().map(ChunkRange::len).collect(),
        }
    }

    #[test]
    fn small_files_go_direct() {
        assert_eq!(plan(0, THRESHOLD, CHUNK), Plan::Direct);
        assert_eq!(plan(1, THRESHOLD, CHUNK), Plan::Direct);
        assert_eq!(plan(THRESHOLD, THRESHOLD, CHUNK), Plan::Direct, "exactly the threshold");
    }

    #[test]
    fn one_byte_above_the_threshold_is_chunked() {
        let p = plan(THRESHOLD + 1, THRESHOLD, CHUNK);
        assert_eq!(sizes(&p), vec![CHUNK, CHUNK, 1]);
    }

    #[test]
    fn a_197_mib_zip_is_50_50_50_47() {
        let p = plan(197 * MIB, THRESHOLD, CHUNK);
        assert_eq!(sizes(&p), vec![50 * MIB, 50 * MIB, 50 * MIB, 47 * MIB]);
        let Plan::Chunked(ranges) = p else { unreachable!() };
        assert_eq!(ranges[3], ChunkRange { index: 3, start: 150 * MIB, end: 197 * MIB });
        assert!(ranges.windows(2).all(|w| w[0].end == w[1].start), "consecutive");
    }

    #[test]
    fn ten_gib_is_205_chunks_covering_every_byte() {
        let size = 10 * 1024 * MIB;
        let Plan::Chunked(ranges) = plan(size, THRESHOLD, CHUNK) else { panic!("chunked") };
        assert_eq!(ranges.len(), 205);
        assert_eq!(bytes_of(&ranges), size);
        assert_eq!(ranges.last().unwrap().len(), size - 204 * CHUNK);
        assert!(ranges.iter().all(|r| r.len() <= CHUNK && !r.is_empty()));
    }
}
