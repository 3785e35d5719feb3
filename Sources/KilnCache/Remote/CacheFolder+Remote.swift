import KilnBundle
import KilnCore

/// The read-through between a cache folder and a remote cache, counted in the folder's counters.
extension CacheFolder {
    /// Fetches a key's entry from the remote cache, accepting it only if it passes the remote
    /// checks (``RemoteCache/fetch(keyText:)``) and then `check` — the same check a local entry's
    /// bytes get — and writes it to this folder (which checks it again when read).
    ///
    /// - Returns: the checked bytes, or nil (a miss, a rejected entry, an unavailable store).
    package func fetch(from remote: RemoteCache, keyText: String, check: ([UInt8]) -> Bool = { _ in true }) -> [UInt8]? {
        switch remote.fetch(keyText: keyText) {
        case .hit(let bytes, let transferred) where check(bytes):
            try? write(keyText: keyText, payload: bytes)
            count {
                $0.remoteHits += 1
                $0.remoteBytesDownloaded += Int64(transferred)
            }
            return bytes
        case .hit:
            RemoteCache.warnRejected("its bytes fail the \(name)'s own checks")
            count { $0.remoteRejected += 1 }
        case .rejected(let reason):
            RemoteCache.warnRejected(reason)
            count { $0.remoteRejected += 1 }
        case .miss:
            count { $0.remoteMisses += 1 }
        case .unavailable:
            break
        }
        return nil
    }

    /// Uploads an entry to the remote cache in the background, counting it once the store has it.
    package func upload(to remote: RemoteCache, keyText: String, payload: [UInt8]) {
        let folder = self
        remote.upload(keyText: keyText, payload: payload) { sent in
            folder.count {
                $0.remoteUploads += 1
                $0.remoteBytesUploaded += Int64(sent)
            }
        }
    }
}
