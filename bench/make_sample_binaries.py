"""Regenerate the two binary sample documents of the knowledge base.

- knowledge/quy-trinh-iso/qt-05-xem-xet-cua-lanh-dao.docx  (python-docx)
- knowledge/so-tay/mtcl-2026-muc-tieu-chat-luong.pdf      (fpdf2, DejaVu Sans TTF)

The text of both documents lives in this file, so the binaries can be rebuilt at any time.

Requirements: python-docx for the .docx and fpdf2 for the .pdf. fpdf2 is NOT a dependency of the
project; install it in a throwaway environment, e.g.

    python3 -m venv /tmp/pdfvenv && /tmp/pdfvenv/bin/pip install fpdf2 python-docx
    /tmp/pdfvenv/bin/python bench/make_sample_binaries.py

Use ``--only docx`` or ``--only pdf`` to build one of them (e.g. the .docx with the project's own
.venv, which has python-docx). The PDF needs /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf and
DejaVuSans-Bold.ttf (Debian package fonts-dejavu-core).
"""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata
from pathlib import Path

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"
DOCX_PATH = KNOWLEDGE / "quy-trinh-iso" / "qt-05-xem-xet-cua-lanh-dao.docx"
PDF_PATH = KNOWLEDGE / "so-tay" / "mtcl-2026-muc-tieu-chat-luong.pdf"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FIXED_DATE = dt.datetime(2025, 8, 15, 8, 0, 0, tzinfo=dt.timezone.utc)

# A document is a title, metadata rows and a list of blocks:
#   ("h2", text) section heading, ("h3", text) sub-section heading, ("p", text) paragraph,
#   ("ul", [items]) bullet list, ("table", [header], [[cells], ...]) table.

QT05_TITLE = "Quy trình xem xét của lãnh đạo"
QT05_META = [
    ("Mã hiệu", "QT-05"),
    ("Lần ban hành", "01"),
    ("Ngày hiệu lực", "15/08/2025"),
    ("Ngày rà soát", "15/10/2026"),
    ("Người soạn thảo", "Thư ký ISO (công chức Văn phòng HĐND và UBND phường)"),
    ("Người xem xét", "Phó Chủ tịch UBND phường"),
    ("Người phê duyệt", "Chủ tịch UBND phường"),
]
QT05_BLOCKS = [
    ("p", "Đây là tài liệu mẫu, soạn để trình diễn trợ lý isobot; thời hạn, người thực hiện và biểu mẫu nội bộ "
          "đều là giả định."),
    ("h2", "1. Mục đích"),
    ("p", "Quy định cách lãnh đạo UBND phường Hoàng Mai định kỳ xem xét hệ thống quản lý chất lượng, "
          "để bảo đảm hệ thống luôn phù hợp, thỏa đáng, có hiệu lực và đi đúng định hướng của phường; "
          "từ đó quyết định các việc cần cải tiến, cần thay đổi và nguồn lực cần bố trí."),
    ("h2", "2. Phạm vi áp dụng"),
    ("p", "Áp dụng cho các cuộc họp xem xét của lãnh đạo định kỳ và đột xuất đối với toàn bộ hệ thống "
          "quản lý chất lượng của UBND phường Hoàng Mai."),
    ("h2", "3. Tài liệu viện dẫn"),
    ("ul", [
        "TCVN ISO 9001:2015, điều 9.3 (Xem xét của lãnh đạo).",
        "Sổ tay chất lượng (STCL).",
        "QT-03 Quy trình đánh giá nội bộ; QT-04 Quy trình kiểm soát sự không phù hợp và hành động khắc "
        "phục; QT-06 Quy trình quản lý rủi ro và cơ hội; QT-09 Quy trình đo lường sự hài lòng.",
    ]),
    ("h2", "4. Định nghĩa và từ viết tắt"),
    ("ul", [
        "Xem xét của lãnh đạo: cuộc họp do Chủ tịch UBND phường chủ trì để đánh giá toàn diện hệ thống "
        "quản lý chất lượng và ra quyết định.",
        "Đầu vào: các thông tin, báo cáo phải được chuẩn bị và trình bày tại cuộc họp.",
        "Đầu ra: các quyết định và hành động được thống nhất tại cuộc họp.",
        "HTQLCL: hệ thống quản lý chất lượng; BCĐ ISO: Ban chỉ đạo ISO.",
    ]),
    ("h2", "5. Nội dung quy trình"),
    ("h3", "5.1 Tần suất xem xét"),
    ("p", "Lãnh đạo UBND phường xem xét HTQLCL ít nhất mỗi năm một lần. Cuộc họp định kỳ thường tổ chức "
          "trong tháng 11 hoặc tháng 12, sau đợt đánh giá nội bộ, để kết quả đánh giá và số liệu cả năm "
          "được đưa vào xem xét và kịp đặt mục tiêu chất lượng cho năm sau."),
    ("p", "Cuộc họp đột xuất được tổ chức khi có thay đổi lớn về tổ chức bộ máy, chức năng, nhiệm vụ; khi "
          "có sự cố nghiêm trọng như nhiều hồ sơ trễ hạn liên tiếp hoặc phản ánh gây bức xúc; trước đợt "
          "kiểm tra, đánh giá của cơ quan cấp trên; hoặc theo yêu cầu của Chủ tịch UBND phường."),
    ("p", "Cuộc họp có thể kết hợp với hội nghị sơ kết, tổng kết công tác nhưng phải có phần nội dung và "
          "biên bản riêng về HTQLCL."),
    ("h3", "5.2 Chuẩn bị cuộc họp"),
    ("p", "Thư ký ISO dự thảo BM.05.01 Thông báo họp xem xét của lãnh đạo, nêu thời gian, địa điểm, thành "
          "phần, nội dung và phân công chuẩn bị báo cáo; trình Chủ tịch UBND phường duyệt và gửi các thành "
          "viên ít nhất 07 ngày làm việc trước ngày họp. Các bộ phận gửi báo cáo đầu vào cho Thư ký ISO ít "
          "nhất 03 ngày làm việc trước ngày họp; Thư ký ISO tổng hợp thành báo cáo chung."),
    ("h3", "5.3 Đầu vào của xem xét"),
    ("p", "Báo cáo đầu vào phải có đủ các nội dung sau:"),
    ("table", ["Nội dung đầu vào", "Người chuẩn bị"], [
        ["Tình trạng thực hiện các quyết định của lần xem xét trước", "Thư ký ISO"],
        ["Thay đổi của các vấn đề bên ngoài và nội bộ liên quan đến HTQLCL (văn bản pháp luật mới, thay "
         "đổi tổ chức, nhân sự)", "Thư ký ISO, công chức Văn phòng HĐND và UBND phường"],
        ["Mức độ hài lòng của người dân và kết quả khảo sát theo QT-09", "Thư ký ISO"],
        ["Phản ánh, kiến nghị của người dân và kết quả xử lý theo QT-08", "Công chức Văn phòng HĐND và UBND phường"],
        ["Mức độ đạt các mục tiêu chất lượng của năm", "Thư ký ISO"],
        ["Kết quả thực hiện các quá trình: số hồ sơ tiếp nhận, giải quyết, tỷ lệ đúng hạn, số hồ sơ trễ "
         "hạn và lý do", "Công chức Trung tâm Phục vụ hành chính công phường"],
        ["Sự không phù hợp và hành động khắc phục (số phiếu đã lập, đã đóng, còn mở)", "Thư ký ISO"],
        ["Kết quả theo dõi, đo lường và kết quả đánh giá nội bộ, đánh giá của bên ngoài", "Trưởng đoàn đánh giá nội bộ"],
        ["Kết quả thực hiện của bên cung cấp bên ngoài (dịch vụ bưu chính công ích)", "Thư ký ISO"],
        ["Sự thỏa đáng của nguồn lực: nhân sự, trang thiết bị, đường truyền", "Công chức Văn phòng HĐND và UBND phường"],
        ["Hiệu lực của các hành động giải quyết rủi ro và cơ hội theo QT-06", "Thư ký ISO"],
        ["Các cơ hội cải tiến, sáng kiến của công chức", "Các bộ phận"],
    ]),
    ("h3", "5.4 Tiến hành cuộc họp"),
    ("p", "Chủ tịch UBND phường chủ trì cuộc họp; khi Chủ tịch vắng mặt, Phó Chủ tịch phụ trách ISO được "
          "ủy quyền chủ trì. Thành phần gồm các thành viên Ban chỉ đạo ISO, Thư ký ISO, công chức Trung tâm "
          "Phục vụ hành chính công phường và công chức phụ trách các lĩnh vực có thủ tục hành chính trong phạm vi hệ thống."),
    ("p", "Từng nội dung đầu vào được trình bày, thảo luận và kết luận. Thư ký ISO ghi BM.05.02 Biên bản họp "
          "xem xét của lãnh đạo, có chữ ký của người chủ trì và thư ký cuộc họp."),
    ("h3", "5.5 Đầu ra của xem xét"),
    ("p", "Kết luận của cuộc họp phải gồm các quyết định và hành động liên quan đến:"),
    ("ul", [
        "các cơ hội cải tiến;",
        "mọi nhu cầu thay đổi đối với HTQLCL, kể cả sửa đổi chính sách chất lượng, mục tiêu chất lượng, "
        "quy trình và phạm vi áp dụng;",
        "nhu cầu về nguồn lực (bổ sung nhân sự, đào tạo, thiết bị, kinh phí).",
    ]),
    ("p", "Mỗi quyết định ghi rõ người chịu trách nhiệm và thời hạn hoàn thành. Trong 05 ngày làm việc sau "
          "cuộc họp, Thư ký ISO dự thảo BM.05.03 Báo cáo kết quả xem xét của lãnh đạo, trình Chủ tịch UBND "
          "phường ký và gửi các bộ phận thực hiện."),
    ("h3", "5.6 Theo dõi thực hiện"),
    ("p", "Thư ký ISO theo dõi việc thực hiện các quyết định, báo cáo tiến độ tại giao ban hằng tháng. Tình "
          "trạng thực hiện là nội dung đầu vào đầu tiên của lần xem xét tiếp theo."),
    ("h3", "5.7 Các bước thực hiện"),
    ("table", ["Bước", "Nội dung công việc", "Trách nhiệm", "Thời gian", "Biểu mẫu/Kết quả"], [
        ["1", "Dự thảo thông báo họp, phân công chuẩn bị báo cáo", "Thư ký ISO",
         "Ít nhất 07 ngày làm việc trước ngày họp", "BM.05.01"],
        ["2", "Duyệt thông báo họp", "Chủ tịch UBND phường", "01 ngày làm việc", "BM.05.01 đã duyệt"],
        ["3", "Chuẩn bị, gửi báo cáo đầu vào", "Các bộ phận", "Ít nhất 03 ngày làm việc trước ngày họp",
         "Báo cáo đầu vào"],
        ["4", "Tổng hợp báo cáo đầu vào", "Thư ký ISO", "01 ngày làm việc", "Báo cáo tổng hợp"],
        ["5", "Họp xem xét, kết luận", "Chủ tịch UBND phường chủ trì; thành viên BCĐ ISO", "Theo thông báo",
         "BM.05.02 Biên bản họp"],
        ["6", "Ban hành báo cáo kết quả xem xét", "Thư ký ISO dự thảo; Chủ tịch UBND phường ký",
         "05 ngày làm việc sau họp", "BM.05.03"],
        ["7", "Theo dõi thực hiện các quyết định", "Thư ký ISO", "Hằng tháng", "Báo cáo tại giao ban"],
    ]),
    ("h2", "6. Hồ sơ cần lưu"),
    ("table", ["Tên hồ sơ", "Nơi lưu", "Thời gian lưu"], [
        ["Thông báo họp xem xét của lãnh đạo (BM.05.01)", "Thư ký ISO", "03 năm"],
        ["Các báo cáo đầu vào và báo cáo tổng hợp", "Thư ký ISO", "03 năm"],
        ["Biên bản họp xem xét của lãnh đạo (BM.05.02)", "Thư ký ISO", "03 năm"],
        ["Báo cáo kết quả xem xét của lãnh đạo (BM.05.03)", "Thư ký ISO", "03 năm"],
    ]),
    ("h2", "7. Biểu mẫu áp dụng"),
    ("ul", [
        "BM.05.01 Thông báo họp xem xét của lãnh đạo.",
        "BM.05.02 Biên bản họp xem xét của lãnh đạo.",
        "BM.05.03 Báo cáo kết quả xem xét của lãnh đạo.",
    ]),
]

MTCL_TITLE = "Mục tiêu chất lượng năm 2026"
MTCL_META = [
    ("Mã hiệu", "MTCL-2026"),
    ("Lần ban hành", "01"),
    ("Ngày hiệu lực", "05/01/2026"),
    ("Người soạn thảo", "Thư ký ISO (công chức Văn phòng HĐND và UBND phường)"),
    ("Người xem xét", "Phó Chủ tịch UBND phường"),
    ("Người phê duyệt", "Chủ tịch UBND phường"),
]
MTCL_BLOCKS = [
    ("p", "Đây là tài liệu mẫu, soạn để trình diễn trợ lý isobot; các chỉ tiêu và số liệu năm 2025 đều là giả định."),
    ("h2", "1. Mục đích"),
    ("p", "Cụ thể hóa chính sách chất lượng của UBND phường Hoàng Mai thành các mục tiêu đo lường được cho "
          "năm 2026, phân công người theo dõi và làm căn cứ đánh giá kết quả hoạt động của hệ thống quản lý "
          "chất lượng."),
    ("h2", "2. Phạm vi áp dụng"),
    ("p", "Áp dụng cho Trung tâm Phục vụ hành chính công phường, các công chức giải quyết thủ tục hành chính và các bộ phận tham gia "
          "hệ thống quản lý chất lượng của UBND phường, từ ngày 05/01/2026 đến hết ngày 31/12/2026."),
    ("h2", "3. Căn cứ xây dựng mục tiêu"),
    ("ul", [
        "Chính sách chất lượng (CSCL, lần ban hành 02).",
        "Kết luận của cuộc họp xem xét của lãnh đạo tháng 12/2025.",
        "Kết quả năm 2025 (số liệu nội bộ): tỷ lệ hồ sơ giải quyết đúng hạn 97,6%; tỷ lệ người dân hài lòng "
        "94,1%; tỷ lệ hồ sơ nộp trực tuyến 52%.",
    ]),
    ("h2", "4. Các mục tiêu chất lượng năm 2026"),
    ("goal", "MT1. Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn hoặc trước hạn đạt từ 98% trở lên "
             "(≥ 98%).",
     ["Cách đo: số hồ sơ trả kết quả đúng hoặc trước hạn chia cho tổng số hồ sơ đã giải quyết, lấy từ hệ "
      "thống thông tin giải quyết thủ tục hành chính.",
      "Tần suất theo dõi: hằng tháng.",
      "Trách nhiệm: công chức Trung tâm Phục vụ hành chính công phường tổng hợp; Thư ký ISO báo cáo."]),
    ("goal", "MT2. 100% hồ sơ trễ hạn có Phiếu xin lỗi và hẹn lại ngày trả kết quả gửi người dân trước ngày hẹn.",
     ["Cách đo: số Phiếu xin lỗi đã gửi trước ngày hẹn so với số hồ sơ trễ hạn trong tháng.",
      "Tần suất theo dõi: hằng tháng.",
      "Trách nhiệm: công chức Trung tâm Phục vụ hành chính công phường."]),
    ("goal", "MT3. Tỷ lệ người dân, tổ chức hài lòng hoặc rất hài lòng đạt từ 95% trở lên.",
     ["Cách đo: theo QT-09 Quy trình đo lường sự hài lòng, trên tổng số phiếu khảo sát hợp lệ.",
      "Tần suất theo dõi: hằng quý.",
      "Trách nhiệm: Thư ký ISO."]),
    ("goal", "MT4. Tỷ lệ hồ sơ thủ tục hành chính được nộp trực tuyến đạt từ 60% trở lên.",
     ["Cách đo: số hồ sơ nộp qua Cổng Dịch vụ công quốc gia hoặc VNeID chia cho tổng số hồ sơ tiếp nhận.",
      "Tần suất theo dõi: hằng quý.",
      "Trách nhiệm: công chức Trung tâm Phục vụ hành chính công phường."]),
    ("goal", "MT5. 100% phản ánh, kiến nghị thuộc thẩm quyền của phường được trả lời đúng thời hạn theo QT-08.",
     ["Cách đo: số phản ánh, kiến nghị trả lời đúng hạn so với tổng số đã nhận trong quý.",
      "Tần suất theo dõi: hằng quý.",
      "Trách nhiệm: công chức Văn phòng HĐND và UBND phường."]),
    ("goal", "MT6. Không có phản ánh nào về thái độ phục vụ của công chức được xác định là đúng.",
     ["Cách đo: số phản ánh về thái độ phục vụ đã được xác minh là đúng.",
      "Tần suất theo dõi: hằng quý.",
      "Trách nhiệm: Chủ tịch UBND phường."]),
    ("goal", "MT7. 100% quy trình giải quyết thủ tục hành chính được cập nhật trong 10 ngày làm việc khi thủ "
             "tục thay đổi.",
     ["Cách đo: số quy trình sửa đổi đúng thời hạn so với số thủ tục thay đổi theo quyết định công bố.",
      "Tần suất theo dõi: hằng quý.",
      "Trách nhiệm: Thư ký ISO và công chức phụ trách lĩnh vực."]),
    ("goal", "MT8. Thực hiện ít nhất 01 đợt đánh giá nội bộ và 01 cuộc họp xem xét của lãnh đạo; 100% phiếu "
             "hành động khắc phục được đóng đúng hạn.",
     ["Cách đo: hồ sơ đánh giá nội bộ, biên bản xem xét, sổ theo dõi sự không phù hợp.",
      "Tần suất theo dõi: cả năm.",
      "Trách nhiệm: Thư ký ISO."]),
    ("h2", "5. Kế hoạch thực hiện mục tiêu"),
    ("ul", [
        "Theo dõi hồ sơ sắp đến hạn mỗi sáng trên hệ thống, nhắc công chức giải quyết trước hạn 01 ngày "
        "làm việc (MT1, MT2); thực hiện từ tháng 01/2026; trách nhiệm: công chức Trung tâm Phục vụ hành chính "
        "công phường.",
        "Bố trí thêm 01 công chức tiếp nhận vào sáng thứ Hai và thứ Ba là các buổi đông người (MT1, MT3); "
        "thực hiện trong quý I/2026; trách nhiệm: Chủ tịch UBND phường.",
        "Đặt máy tính có người hướng dẫn nộp hồ sơ trực tuyến tại khu vực chờ (MT4); quý I/2026; trách "
        "nhiệm: công chức Văn phòng HĐND và UBND phường.",
        "Tập huấn kỹ năng giao tiếp, ứng xử với người dân cho công chức Trung tâm Phục vụ hành chính công phường "
        "(MT3, MT6); quý II/2026.",
        "Tổ chức đánh giá nội bộ trong tháng 9/2026 và họp xem xét của lãnh đạo trong tháng 12/2026 (MT8).",
        "Kinh phí thực hiện lấy từ dự toán chi thường xuyên năm 2026 của UBND phường.",
    ]),
    ("h2", "6. Theo dõi, đánh giá và báo cáo"),
    ("p", "Thư ký ISO tổng hợp số liệu các mục tiêu theo tháng, báo cáo tại giao ban đầu tháng và lập báo cáo "
          "quý gửi Chủ tịch UBND phường. Mục tiêu không đạt trong quý được lập Phiếu yêu cầu hành động khắc "
          "phục theo QT-04. Kết quả thực hiện cả năm được đánh giá tại cuộc họp xem xét của lãnh đạo và là "
          "căn cứ xây dựng mục tiêu năm 2027."),
    ("p", "Khi có thay đổi lớn (văn bản pháp luật mới, thay đổi tổ chức), mục tiêu có thể được điều chỉnh "
          "giữa năm; bản điều chỉnh do Chủ tịch UBND phường phê duyệt và ban hành lại theo QT-01."),
]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def make_docx(path: Path = DOCX_PATH) -> Path:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    props = document.core_properties
    props.title = QT05_TITLE
    props.author = "UBND phường Hoàng Mai (tài liệu mẫu)"
    props.subject = "QT-05"
    props.created = FIXED_DATE.replace(tzinfo=None)
    props.modified = FIXED_DATE.replace(tzinfo=None)
    props.last_modified_by = "isobot"
    props.revision = 1
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(12)

    header = document.add_table(rows=0, cols=2)
    header.style = "Table Grid"
    for key, value in QT05_META:
        cells = header.add_row().cells
        cells[0].text = nfc(key)
        cells[1].text = nfc(value)
    document.add_heading(nfc(QT05_TITLE), level=1)
    for block in QT05_BLOCKS:
        kind = block[0]
        if kind == "h2":
            document.add_heading(nfc(block[1]), level=2)
        elif kind == "h3":
            document.add_heading(nfc(block[1]), level=3)
        elif kind == "p":
            document.add_paragraph(nfc(block[1]))
        elif kind == "ul":
            for item in block[1]:
                document.add_paragraph(nfc(item), style="List Bullet")
        elif kind == "table":
            head, rows = block[1], block[2]
            table = document.add_table(rows=1, cols=len(head))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, head):
                cell.text = nfc(text)
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = nfc(text)
        else:
            raise ValueError(kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def make_pdf(path: Path = PDF_PATH) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(2026, 1, 5, 8, 0, 0, tzinfo=dt.timezone.utc))
    pdf.set_title(nfc(MTCL_TITLE))
    pdf.set_author("UBND phường Hoàng Mai (tài liệu mẫu)")
    pdf.set_subject("MTCL-2026")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()

    def line(text: str, size: float = 10.5, style: str = "", gap: float = 1.5, indent: float = 0) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, size * 0.55, nfc(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    line("ỦY BAN NHÂN DÂN PHƯỜNG HOÀNG MAI - THÀNH PHỐ HÀ NỘI", 9, "B", 2)
    line(MTCL_TITLE, 15, "B", 3)
    for key, value in MTCL_META:
        line(f"{key}: {value}", 10, "", 0.5)
    pdf.ln(3)
    for block in MTCL_BLOCKS:
        kind = block[0]
        if kind == "h2":
            pdf.ln(2)
            line(block[1], 12, "B", 2)
        elif kind == "p":
            line(block[1])
        elif kind == "ul":
            for item in block[1]:
                line(f"- {item}", indent=4, gap=1)
            pdf.ln(1)
        elif kind == "goal":
            line(block[1], 10.5, "B", 1)
            for item in block[2]:
                line(f"- {item}", indent=4, gap=0.5)
            pdf.ln(2)
        else:
            raise ValueError(kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("docx", "pdf"), help="build only one of the two files")
    args = parser.parse_args()
    if args.only in (None, "docx"):
        print("wrote", make_docx())
    if args.only in (None, "pdf"):
        print("wrote", make_pdf())


if __name__ == "__main__":
    main()
