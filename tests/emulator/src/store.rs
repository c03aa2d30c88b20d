//! The ticket store: tickets loaded from a data directory and kept in
//! memory, so writes show in later reads while the files stay untouched.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::Error;
use crate::ticket::id_of;
use crate::xml::{self, Element};

/// Tickets by id.
#[derive(Debug, Default)]
pub struct Store {
    tickets: Mutex<BTreeMap<u64, Element>>,
    /// The tickets as loaded, for [`Store::reset`].
    loaded: BTreeMap<u64, Element>,
}

impl Store {
    /// Loads every `*.xml` file in `dir` whose root element is `<ticket>`.
    /// Files with another root (such as `<ticket_info>`) are skipped. A file
    /// that does not parse, or a ticket without a numeric `<id>` or with an
    /// id already loaded, is an error naming the file.
    pub fn load_dir(dir: &Path) -> Result<Self, Error> {
        let mut tickets = BTreeMap::new();
        let mut sources: BTreeMap<u64, PathBuf> = BTreeMap::new();
        for path in xml_files(dir)? {
            let Some(ticket) = load_file(&path)? else {
                tracing::debug!(file = %path.display(), "skipped: the root element is not <ticket>");
                continue;
            };
            let id = id_of(&ticket).ok_or_else(|| Error::MissingId(path.clone()))?;
            if let Some(first) = sources.insert(id, path.clone()) {
                return Err(Error::DuplicateId {
                    id,
                    first,
                    second: path,
                });
            }
            tickets.insert(id, ticket);
        }
        if tickets.is_empty() {
            tracing::warn!(dir = %dir.display(), "no ticket files found in the data directory");
        }
        tracing::info!(count = tickets.len(), dir = %dir.display(), "loaded tickets");
        Ok(Self {
            tickets: Mutex::new(tickets.clone()),
            loaded: tickets,
        })
    }

    /// Locks the tickets for reading or changing them.
    ///
    /// A panic in another request cannot leave a ticket half-written,
    /// because field updates are checked before any is stored, so a
    /// poisoned lock is used as is.
    pub fn lock(&self) -> MutexGuard<'_, BTreeMap<u64, Element>> {
        self.tickets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts every ticket back as it was loaded, undoing all writes, so a
    /// benchmark can repeat a run on the same ticket state.
    pub fn reset(&self) {
        *self.lock() = self.loaded.clone();
    }

    /// Returns the current state of a ticket as an XML document.
    pub fn ticket_xml(&self, id: u64) -> Option<String> {
        self.lock().get(&id).map(xml::to_document)
    }
}

fn xml_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let read_error = |source| Error::DataDir {
        dir: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.is_file() && path.extension().is_some_and(|ext| ext == "xml") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Parses a file and returns its root when it is a `<ticket>`.
fn load_file(path: &Path) -> Result<Option<Element>, Error> {
    let text = fs::read_to_string(path).map_err(|source| Error::ReadFile {
        file: path.to_path_buf(),
        source,
    })?;
    let root = xml::parse(&text).map_err(|source| Error::Parse {
        file: path.to_path_buf(),
        source,
    })?;
    Ok((root.name == "ticket").then_some(root))
}
