//! Files the service keeps in its data directory, readable by its owner only: the directory
//! itself (0700), generated secrets and the SQLite ledger with its `-wal` and `-shm` (0600).

use std::path::Path;

use anyhow::Context;

/// Creates `dir` (and any missing parent) readable by the owner only; a directory that already
/// exists is left as it is, with a warning when others may read it.
pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.is_dir() {
        warn_if_shared(dir);
        return Ok(());
    }
    private_dir_builder()
        .create(dir)
        .with_context(|| format!("could not create the data directory {}", dir.display()))
}

/// Prepares the SQLite ledger file at `file` for opening: created empty (SQLite takes an empty
/// file for a new database) readable by the owner only, and, for a file made by an earlier
/// version, it and its `-wal` and `-shm` narrowed to the owner. SQLite gives the `-wal` and
/// `-shm` it creates later the ledger file's mode.
pub fn prepare_private_database_file(file: &Path) -> anyhow::Result<()> {
    create_private_file(file)
        .with_context(|| format!("could not create the ledger file {}", file.display()))?;
    for suffix in ["", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        narrow_to_owner(Path::new(&name))
            .with_context(|| format!("could not make {} private", Path::new(&name).display()))?;
    }
    Ok(())
}

/// Writes `text` to `path`, readable by the owner only.
#[cfg(unix)]
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// Creates `path`, empty and readable by the owner only; fails if it exists.
pub(crate) fn create_private_new_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

#[cfg(unix)]
fn private_dir_builder() -> std::fs::DirBuilder {
    use std::os::unix::fs::DirBuilderExt;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true).mode(0o700);
    builder
}

#[cfg(not(unix))]
fn private_dir_builder() -> std::fs::DirBuilder {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    builder
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)
        .map(drop)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map(drop)
}

/// Takes group and other permissions off `path`, if it exists.
#[cfg(unix)]
pub(crate) fn narrow_to_owner(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions().mode(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
        tracing::info!(path = %path.display(), "made a ledger file readable by its owner only");
    }
    Ok(())
}

#[cfg(not(unix))]
pub(crate) fn narrow_to_owner(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Warns (once a process) when others may read the data directory.
#[cfg(unix)]
fn warn_if_shared(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::atomic::{AtomicBool, Ordering};
    static WARNED: AtomicBool = AtomicBool::new(false);
    if let Ok(meta) = std::fs::metadata(dir) {
        if meta.permissions().mode() & 0o077 != 0 && !WARNED.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                path = %dir.display(),
                "the data directory may be read by other users; make it private (chmod 700)"
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_dir: &Path) {}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn a_new_data_directory_and_its_parents_are_private() {
        let root = tempfile::tempdir().expect("temporary directory");
        let dir = root.path().join("var").join("data");
        create_private_dir(&dir).expect("created");
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&root.path().join("var")), 0o700);
    }

    #[test]
    fn the_ledger_file_is_created_private_and_an_old_one_narrowed() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let file = dir.path().join("ledger.sqlite3");
        prepare_private_database_file(&file).expect("created");
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::metadata(&file).expect("metadata").len(), 0);

        let wal = dir.path().join("ledger.sqlite3-wal");
        std::fs::write(&wal, b"frames").expect("write");
        for path in [&file, &wal] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        }
        prepare_private_database_file(&file).expect("narrowed");
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&wal), 0o600);
        assert_eq!(
            std::fs::read(&wal).expect("read"),
            b"frames",
            "content untouched"
        );
    }
}
